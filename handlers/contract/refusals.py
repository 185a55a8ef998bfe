"""A request the contract refuses, told in Chinese: the first of pydantic's errors as a 400 whose code names the
top-level field (`invalid_<field>`), the same codes the services use for the same field."""

from pydantic import ValidationError

from services.errors import BadRequest

KINDS = {
    "int": "整数",
    "string": "文字",
    "list": "列表",
    "dict": "对象",
    "model": "对象",
    "model_attributes": "对象",
    "bool": "真或假",
}


def _kind(error_type):
    for prefix, label in KINDS.items():
        if error_type.startswith(prefix + "_"):
            return label
    return None


def _message(error, name):
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return f"缺少{name}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{name}不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{name}不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_short":
        return f"{name}不能为空"
    if kind == "string_too_long":
        return f"{name}最多 {ctx.get('max_length')} 个字"
    if kind == "too_long":
        return f"{name}最多 {ctx.get('max_length')} 项"
    if kind == "literal_error":
        return f"{name}只能是 {ctx.get('expected', '')}".replace("'", "")
    if kind == "string_pattern_mismatch":
        return f"{name}格式不对"
    label = _kind(kind)
    return f"{name}应为{label}" if label else f"{name}不正确"


def refusal(exc: ValidationError, where):
    """The BadRequest for the first error; `where` is 字段 (a body) or 参数 (a query)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    loc = [str(part) for part in error["loc"]] or ["body"]
    field = loc[0]
    if field == "request_id":
        return BadRequest("缺少请求编号 request_id（1 到 64 个字符）", code="invalid_request_id", field=field)
    name = f"{where} {'.'.join(loc)} "
    return BadRequest(_message(error, name), code="invalid_" + field, field=field)
