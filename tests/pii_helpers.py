"""Files with planted personal data and secrets, written the way the tests read them back: each
line's texts are known, so what a redaction must give is known to the byte."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from dataaudit.datasets.pii_corpus import LabelledText, labelled_texts

DATA = Path(__file__).parent / "data"


def carriers() -> list[str]:
    """Real sentences (UK parliamentary speeches) to plant the values in: prose with dates,
    sums of money and numbers, which must not be found."""
    with (DATA / "parlspeech_200.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def corpus(n: int, seed: int = 0) -> list[LabelledText]:
    return labelled_texts(carriers(), n, seed=seed)


def chat_line(user: str, assistant: str, meta: str) -> str:
    """A chat line whose `id` metadata holds `meta`, a value no redaction may touch."""
    return (f'{{"id": {json.dumps(meta)}, "messages": [{{"role": "user", "content": {json.dumps(user)}}}, '
            f'{{"role": "assistant", "content": {json.dumps(assistant, ensure_ascii=False)}}}]}}\n')


def write_planted_chat(path: Path, n: int, seed: int = 0) -> tuple[list[LabelledText], Counter[str]]:
    """`n` chat lines, the planted texts as the user's turn (odd lines) or the assistant's (even
    lines); the metadata `id` of every line holds an email that is no text; the planted values
    counted per kind."""
    texts = corpus(n, seed)
    lines = []
    for i, item in enumerate(texts):
        user, assistant = (item.text, f"answer {i}") if i % 2 else (f"question {i}", item.text)
        lines.append(chat_line(user, assistant, f"ticket-{i}-owner@corp-mail.com"))
    path.write_text("".join(lines), encoding="utf-8")
    return texts, Counter(kind for item in texts for kind, _ in item.planted)


def write_planted_table(path: Path, n: int, seed: int = 0) -> tuple[list[LabelledText], Counter[str]]:
    """A CSV table of `n` rows whose `review` column holds the planted texts; `contact` holds an
    email in a column that is no text (a customer table's own field), `score` a number written
    with a trailing zero: values no redaction may touch. The planted values counted per kind."""
    texts = corpus(n, seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "label", "contact", "score"])
        for i, item in enumerate(texts):
            writer.writerow([i, item.text, "ab"[i % 2], f"owner-{i}@corp-mail.com", f"{i % 7}.10"])
    return texts, Counter(kind for item in texts for kind, _ in item.planted)
