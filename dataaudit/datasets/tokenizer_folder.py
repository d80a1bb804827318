"""A small tokenizer folder, as model hubs ship one, made on this machine: a byte-level BPE
trained on the texts given, saved as `tokenizer.json` beside a `tokenizer_config.json` holding a
chat template in one of the common styles. It lets `--tokenizer` be tried (and tested against
transformers) without downloading a model.

The templates follow the published ones in what matters to a trainer: where the special tokens
go, what they refuse (`raise_exception` on role order and system placement) and whether they
mark the assistant's tokens with `{% generation %}` for an assistant-only loss.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path


def _lines(*pieces: str) -> str:
    """A template written over several lines, as published ones are: a line break after a
    block tag is dropped by `trim_blocks`, so only pieces ending in one get one."""
    return "".join(piece + ("\n" if piece.endswith("%}") else "") for piece in pieces)


#: ChatML (Qwen, SmolLM): a default system prompt, tool calls as JSON, assistant turns marked.
CHATML = _lines(
    "{% for message in messages %}",
    "{% if loop.first and message['role'] != 'system' %}",
    "{{ '<|im_start|>system\\nYou are a helpful assistant.' }}",
    "{% if tools %}{{ '\\nTools: ' + (tools | tojson) }}{% endif %}{{ '<|im_end|>\\n' }}",
    "{% endif %}",
    "{{ '<|im_start|>' + message['role'] + '\\n' }}",
    "{% if message['role'] == 'assistant' %}",
    "{% generation %}",
    "{{ message['content'] or '' }}",
    "{% for call in message.tool_calls or [] %}{{ '<tool_call>' + (call.function | tojson) + '</tool_call>' }}",
    "{% endfor %}",
    "{{ '<|im_end|>' }}",
    "{% endgeneration %}{{ '\\n' }}",
    "{% else %}{{ message['content'] + '<|im_end|>\\n' }}{% endif %}",
    "{% endfor %}",
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
)
#: The same without the generation marks, as most published ChatML templates are.
CHATML_UNMARKED = CHATML.replace("{% generation %}\n", "").replace("{% endgeneration %}", "")
#: A header per role (Llama 3): the system message first or not at all.
HEADERS = _lines(
    "{{ bos_token }}",
    "{% for message in messages %}",
    "{% if message['role'] == 'system' and not loop.first %}",
    "{{ raise_exception('The system message must come first') }}",
    "{% endif %}",
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}",
    "{% if message['role'] == 'assistant' %}",
    "{% generation %}{{ (message['content'] or '') | trim }}",
    "{% if message.tool_calls %}{{ message.tool_calls | tojson }}{% endif %}",
    "{{ '<|eot_id|>' }}{% endgeneration %}",
    "{% else %}{{ message['content'] | trim }}{{ '<|eot_id|>' }}{% endif %}",
    "{% endfor %}",
)
#: Gemma: no system role (its text goes before the first user turn), user and model alternate.
GEMMA = _lines(
    "{{ bos_token }}",
    "{% if messages[0]['role'] == 'system' %}",
    "{% set first = messages[0]['content'] + '\\n\\n' %}{% set turns = messages[1:] %}",
    "{% else %}{% set first = '' %}{% set turns = messages %}{% endif %}",
    "{% for message in turns %}",
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}",
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}",
    "{% endif %}",
    "{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}",
    "{{ '<start_of_turn>' + role + '\\n' }}{% if loop.first %}{{ first }}{% endif %}",
    "{% if role == 'model' %}{% generation %}{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}",
    "{% endgeneration %}",
    "{% else %}{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}{% endif %}",
    "{% endfor %}",
)
TEMPLATES = {"chatml": CHATML, "chatml-unmarked": CHATML_UNMARKED, "headers": HEADERS, "gemma": GEMMA}
SPECIAL_TOKENS = ["<s>", "</s>", "<unk>", "<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|end_header_id|>",
                  "<|eot_id|>", "<start_of_turn>", "<end_of_turn>"]


def write_tokenizer_folder(folder: str | Path, template: str, texts: Iterable[str], vocab_size: int = 600) -> Path:
    """`folder` with a BPE trained on `texts` and `template` (a name of `TEMPLATES` or a
    template's source) as its chat template; needs the `tokenizers` package."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {"bos_token": "<s>", "eos_token": {"content": "</s>", "special": True}, "unk_token": "<unk>",
              "chat_template": TEMPLATES.get(template, template)}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return folder
