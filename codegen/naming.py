"""Name conversions shared by the IR builder and every emitter (deterministic, no state)."""
import keyword
import re

_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """`ListInstances` -> `list_instances`, `ListACLAccounts` -> `list_acl_accounts`,
    `X-Language` -> `x_language`, `instanceId` -> `instance_id`."""
    s = _BOUNDARY_1.sub(r"\1_\2", name)
    s = _BOUNDARY_2.sub(r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    s = re.sub(r"_+", "_", s)
    if not s:
        s = "field"
    if s[0].isdigit():
        s = "n_" + s
    return s


def kebab(name: str) -> str:
    return snake(name).replace("_", "-")


def pascal(name: str) -> str:
    """`periodical_backup_plan` -> `PeriodicalBackupPlan`; PascalCase input is kept."""
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not out:
        out = "Type"
    if out[0].isdigit():
        out = "N" + out
    return out


def camel(name: str) -> str:
    """Official-name based camelCase: `ListInstances` -> `listInstances`,
    `instance_id` -> `instanceId`."""
    p = pascal(name) if ("_" in name or "-" in name) else name
    return p[:1].lower() + p[1:]


RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
}


def python_safe(ident: str) -> str:
    return ident + "_" if keyword.iskeyword(ident) else ident
