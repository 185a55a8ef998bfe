"""Breaking changes between two documents: what a client built against `old` would trip over in `new`.

Breaking: an operation removed; a field removed from an answer or a request body; a field's type changed; a new
required request field or query parameter; a query parameter removed. Additions (operations, optional fields,
answer fields, error codes) are not breaking."""


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _type(doc, schema):
    """A comparable description of a schema's type: its JSON type(s), enum, or referenced object."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema:
        return tuple(sorted(str(_type(doc, s)) for s in schema["anyOf"]))
    if "enum" in schema:
        return ("enum", schema.get("type"))
    if "items" in schema:
        return ("array", _type(doc, schema["items"]))
    return schema.get("type", "object")


def _compare(old_doc, new_doc, old, new, where, request, found):
    old, new = _resolve(old_doc, old), _resolve(new_doc, new)
    if _type(old_doc, old) != _type(new_doc, new):
        found.append(f"{where}: type changed")
        return
    for branch in ("items",):
        if branch in old and branch in new:
            _compare(old_doc, new_doc, old[branch], new[branch], where + "[]", request, found)
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, prop in old_props.items():
        if name not in new_props:
            found.append(f"{where}.{name}: removed")
        else:
            _compare(old_doc, new_doc, prop, new_props[name], f"{where}.{name}", request, found)
    if request:
        for name in set(new.get("required", ())) - set(old.get("required", ())):
            found.append(f"{where}.{name}: newly required")


def _json_schema(part):
    return (part or {}).get("content", {}).get("application/json", {}).get("schema")


def breaking_changes(old, new):
    found = []
    for path, methods in old["paths"].items():
        for method, op in methods.items():
            where = f"{method.upper()} {path}"
            new_op = new["paths"].get(path, {}).get(method)
            if new_op is None:
                found.append(f"{where}: removed")
                continue
            old_body, new_body = _json_schema(op.get("requestBody")), _json_schema(new_op.get("requestBody"))
            if old_body and new_body:
                _compare(old, new, old_body, new_body, f"{where} body", True, found)
            old_params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
            new_params = {(p["in"], p["name"]): p for p in new_op.get("parameters", [])}
            for key, param in new_params.items():
                if key not in old_params and param.get("required"):
                    found.append(f"{where} {key[0]} {key[1]}: newly required")
            for key, param in old_params.items():
                if key not in new_params:
                    found.append(f"{where} {key[0]} {key[1]}: removed")
                elif _type(old, param["schema"]) != _type(new, new_params[key]["schema"]):
                    found.append(f"{where} {key[0]} {key[1]}: type changed")
            for status, response in op.get("responses", {}).items():
                old_answer = _json_schema(response)
                new_answer = _json_schema(new_op.get("responses", {}).get(status))
                if status.startswith("2") and old_answer is not None:
                    if new_answer is None:
                        found.append(f"{where} {status}: answer removed")
                    else:
                        _compare(old, new, old_answer, new_answer, f"{where} {status}", False, found)
    return found
