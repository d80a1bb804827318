"""Rule packs: YAML files that set the warn and fail levels of the checks."""
