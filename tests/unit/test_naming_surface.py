"""Where operations go and what arguments are called (issue 13): the IR of small specs written here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.lower import surface
from generator.cli import main
from generator.diagnostics import SpecError
from tests.conftest import lower_spec

OBJECT = {"type": "object", "properties": {"id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}
PAGE = {"type": "object", "properties": {"data": {"type": "array", "items": OBJECT}, "has_more": {"type": "boolean"}}}


def op(operation_id: str, response: Any = OBJECT, **extra: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": response}} if response is not None else None
    node: dict[str, Any] = {"operationId": operation_id, "responses": {"200": {"description": "OK", **({"content": content} if content else {})}}}
    node.update(extra)
    return node


def path_params(path: str) -> list[dict[str, Any]]:
    names = re.findall(r"\{([^{}]+)\}", path.partition("?")[0])
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names]


def spec(tmp_path: Path, paths: dict[str, dict[str, dict[str, Any]]]) -> Path:
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    for path, methods in paths.items():
        document["paths"][path] = {"parameters": path_params(path), **methods} if "{" in path else methods
    file = tmp_path / "api.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    return file


def calls(file: Path, **settings: object) -> dict[str, str]:
    """operationId → ``client.a.b.method``."""
    api = lower_spec(file, **settings).api
    return {c.operation.operation_id: c.dotted for c in surface.calls(api)}


def operations(file: Path, **settings: object) -> dict[str, ir.Operation]:
    return {c.operation.operation_id: c.operation for c in surface.calls(lower_spec(file, **settings).api)}


# --- what is not a name ----------------------------------------------------------------------


def test_file_extensions_are_not_names(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/posts.json": {"get": op("listPosts", {"type": "array", "items": OBJECT}), "post": op("createPost")},
            "/posts/{id}.json": {"get": op("getPost"), "put": op("updatePost"), "delete": op("deletePost", None)},
            "/posts/{id}/lock.json": {"put": op("lockPost")},
            "/invoices/{id}": {"get": op("getInvoice")},
            "/invoices/{id}.pdf": {"get": op("getInvoicePdf", None)},
            "/phrases.{content_type}": {"get": op("getPhrases", {"type": "array", "items": OBJECT})},
        },
    )
    assert calls(file) == {
        "listPosts": "client.posts.list",
        "createPost": "client.posts.create",
        "getPost": "client.posts.retrieve",
        "updatePost": "client.posts.update",
        "deletePost": "client.posts.delete",
        "lockPost": "client.posts.lock",
        # The same request in another format: the format tells them apart.
        "getInvoice": "client.invoices.retrieve",
        "getInvoicePdf": "client.invoices.retrieve_pdf",
        # A format chosen by a parameter is no name either; the parameter stays an argument.
        "getPhrases": "client.phrases.list",
    }
    assert [p.name for p in operations(file)["getPhrases"].parameters] == ["content_type"]
    # The request still goes to the path the spec wrote.
    assert operations(file)["getPost"].path == "/posts/{id}.json"


def test_a_query_string_in_a_path_key_is_not_a_name_but_is_kept_for_the_request(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/responses": {"post": op("createResponse")},
            "/responses?beta=true": {"post": op("beta_createResponse")},
            "/responses/{response_id}?beta=true": {"get": op("beta_getResponse")},
        },
    )
    assert calls(file) == {
        "createResponse": "client.responses.create",
        # Two operations on one name: the one without a fixed query keeps it; the other is named by its
        # operationId without the resource's words.
        "beta_createResponse": "client.responses.beta_create",
        "beta_getResponse": "client.responses.retrieve",
    }
    assert operations(file)["beta_createResponse"].path == "/responses?beta=true"


def test_a_version_every_path_shares_is_not_a_name(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/2010-04-01/Accounts.json": {"get": op("ListAccount", PAGE)},
            "/2010-04-01/Accounts/{Sid}.json": {"get": op("FetchAccount")},
        },
    )
    assert calls(file) == {"ListAccount": "client.accounts.list", "FetchAccount": "client.accounts.retrieve"}


def test_a_version_is_a_name_only_where_the_spec_has_two(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/api/v1/pods": {"get": op("listPods", PAGE)},
            "/apis/apps/v1/deployments": {"get": op("listDeployments", PAGE)},
            "/apis/autoscaling/v1/scalers": {"get": op("listScalersV1", PAGE)},
            "/apis/autoscaling/v2/scalers": {"get": op("listScalersV2", PAGE)},
        },
    )
    assert calls(file) == {
        "listPods": "client.pods.list",
        "listDeployments": "client.apps.deployments.list",
        "listScalersV1": "client.autoscaling.v1.scalers.list",
        "listScalersV2": "client.autoscaling.v2.scalers.list",
    }


# --- items, singletons, actions, verbs --------------------------------------------------------


def test_singletons_are_retrieved_and_updated_collections_listed(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/me": {"get": op("getMe")},
            "/account": {"get": op("getAccount"), "post": op("updateAccount")},
            "/blocks/latest": {"get": op("getLatestBlock")},
            "/blocks": {"get": op("listBlocks", PAGE), "post": op("createBlock")},
            "/settings": {"get": op("getSettings")},
            "/logs": {"get": op("listLogs", {"type": "array", "items": OBJECT})},
            # An object that is no page, but the operationId says `list`.
            "/things": {"get": op("listThings")},
            # An object, but with items below it: a collection.
            "/teams": {"get": op("getTeams")},
            "/teams/{team_id}": {"get": op("getTeam")},
        },
    )
    assert calls(file) == {
        "getMe": "client.me.retrieve",
        "getAccount": "client.account.retrieve",
        "updateAccount": "client.account.update",
        "getLatestBlock": "client.blocks.latest.retrieve",
        "listBlocks": "client.blocks.list",
        "createBlock": "client.blocks.create",
        "getSettings": "client.settings.retrieve",
        "listLogs": "client.logs.list",
        "listThings": "client.things.list",
        "getTeams": "client.teams.list",
        "getTeam": "client.teams.retrieve",
    }


def test_verbs_name_methods_never_resources(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/admin/users/list/{flag}.json": {"get": op("adminListUsers", {"type": "array", "items": OBJECT})},
            "/apps/secrets/delete": {"post": op("deleteAppsSecret")},
            "/tags/{tag_id}/groups/patch": {"put": op("patchTagGroups")},
            "/apps/secrets/find": {"get": op("findAppsSecret")},
            "/apps/secrets": {"get": op("listAppsSecrets", PAGE)},
            "/customers/search": {"get": op("searchCustomers", PAGE)},
            "/runs/{run_id}/cancel": {"post": op("cancelRun")},
            "/numbers/{country}/Local.json": {"get": op("listLocalNumbers", PAGE)},
        },
    )
    assert calls(file) == {
        "adminListUsers": "client.admin.users.list",
        "deleteAppsSecret": "client.apps.secrets.delete",
        "patchTagGroups": "client.tags.groups.patch",
        "findAppsSecret": "client.apps.secrets.find",
        "listAppsSecrets": "client.apps.secrets.list",
        "searchCustomers": "client.customers.search",
        "cancelRun": "client.runs.cancel",
        # A GET answering a page is a collection, whatever its word.
        "listLocalNumbers": "client.numbers.local.list",
    }


def test_extensions_do_not_hide_what_lies_below_a_path(tmp_path: Path) -> None:
    pager = {"type": "object", "properties": {"numbers": {"type": "array", "items": OBJECT}, "next_page_uri": {"type": "string"}}}
    file = spec(
        tmp_path,
        {
            "/Calls/{CallSid}/Siprec.json": {"post": op("CreateSiprec")},
            "/Calls/{CallSid}/Siprec/{Sid}.json": {"post": op("UpdateSiprec")},
            "/Numbers/{Country}/Mobile.json": {"get": op("ListMobile", pager)},
        },
    )
    assert calls(file) == {
        "CreateSiprec": "client.calls.siprec.create",
        "UpdateSiprec": "client.calls.siprec.update",
        # An array beside a pager's fields is a page: a collection, not an action.
        "ListMobile": "client.numbers.mobile.list",
    }


def test_collisions_by_rule_never_by_number(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/pods": {"delete": op("deleteCollectionPod", None), "get": op("listPods", PAGE)},
            "/pods/{name}": {"delete": op("deletePod", None), "put": op("replacePod"), "patch": op("patchPod")},
            "/threads/{thread_id}/runs": {"post": op("createRun")},
            "/threads/runs": {"post": op("createThreadAndRun")},
            "/users/{id}/avatar": {"get": op("getUserAvatar"), "put": op("setUserAvatar")},
            "/repos/{owner}/{repo}/comments": {"get": op("issues/list-comments-for-repo", PAGE)},
            "/repos/{owner}/{repo}/{number}/comments": {"get": op("issues/list-comments", PAGE)},
            "/subscriptions/{id}/discount": {"delete": op("deleteSubscriptionDiscount", None)},
        },
    )
    assert calls(file) == {
        "deleteCollectionPod": "client.pods.delete_all",
        "listPods": "client.pods.list",
        "deletePod": "client.pods.delete",
        "replacePod": "client.pods.replace",
        "patchPod": "client.pods.update",
        # The project's first target keeps its name; the other is named by its operationId.
        "createRun": "client.threads.runs.create",
        "createThreadAndRun": "client.threads.runs.create_and_run",
        "getUserAvatar": "client.users.avatar.retrieve",
        "setUserAvatar": "client.users.avatar.update",
        # A tag before a slash is no name; what follows a function word stays whole.
        "issues/list-comments-for-repo": "client.repos.comments.list_for_repo",
        "issues/list-comments": "client.repos.comments.list",
        # DELETE of a noun below an item deletes that noun; it is no action.
        "deleteSubscriptionDiscount": "client.subscriptions.discount.delete",
    }


def test_deep_chains_join_below_four_resources(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/repos/{o}/{r}/branches/{b}/protection/restrictions/apps": {"get": op("getApps", {"type": "array", "items": OBJECT})}})
    assert calls(file) == {"getApps": "client.repos.branches.protection.restrictions_apps.list"}


def test_placement_does_not_depend_on_the_operations_picked(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/runs/{run_id}/cancel": {"post": op("cancelRun")}, "/runs/{run_id}/cancel/reasons": {"get": op("listReasons", PAGE)}})
    assert calls(file, operations=("cancelRun",)) == {"cancelRun": "client.runs.cancel.create"}


# --- arguments --------------------------------------------------------------------------------


def test_comparisons_in_parameter_names_are_words(tmp_path: Path) -> None:
    query = [{"name": name, "in": "query", "schema": {"type": "string"}} for name in ("StartTime", "StartTime<", "StartTime>", "EndTime<=", "EndTime>=", "Status!=")]
    file = spec(tmp_path, {"/calls": {"get": op("listCalls", PAGE, parameters=query)}})
    names = {p.wire_name: p.name for p in operations(file)["listCalls"].parameters}
    assert names == {
        "StartTime": "start_time",
        "StartTime<": "start_time_before",
        "StartTime>": "start_time_after",
        "EndTime<=": "end_time_on_or_before",
        "EndTime>=": "end_time_on_or_after",
        "Status!=": "status_not",
    }


def test_a_name_taken_elsewhere_says_where_it_goes(tmp_path: Path) -> None:
    query = [{"name": "dryRun", "in": "query", "schema": {"type": "string"}}, {"name": "timeout", "in": "query", "schema": {"type": "integer"}}]
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"dryRun": {"type": "array", "items": {"type": "string"}}}}}}}
    file = spec(tmp_path, {"/pods": {"post": op("createPod", parameters=query, requestBody=body)}})
    names = {(p.location, p.wire_name): p.name for p in operations(file)["createPod"].parameters}
    assert names == {("query", "dryRun"): "dry_run", ("query", "timeout"): "timeout_query", ("body", "dryRun"): "dry_run_body"}


# --- the spec's and the configuration's own names ----------------------------------------------


def test_vendor_extensions_name_groups_and_methods(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/a": {"get": op("a", **{"x-speakeasy-group": "beta.things", "x-speakeasy-name-override": "fetchAll"})},
            "/b": {"get": op("b", **{"x-fern-sdk-group-name": ["beta", "other"], "x-fern-sdk-method-name": "get"})},
            "/c": {"get": op("c", **{"x-speakeasy-group": "beta.things"})},
        },
    )
    assert calls(file) == {"a": "client.beta.things.fetch_all", "b": "client.beta.other.get", "c": "client.beta.things.retrieve"}


def test_group_names_rename_a_path_prefix_with_its_query_or_a_resource(tmp_path: Path) -> None:
    file = spec(
        tmp_path,
        {
            "/responses": {"post": op("createResponse")},
            "/responses?beta=true": {"post": op("beta_createResponse")},
            "/responses/{response_id}/input_items?beta=true": {"get": op("beta_listInputItems", PAGE)},
            "/threads/{thread_id}/runs": {"post": op("createRun")},
        },
    )
    groups = (("/responses?beta=true", "beta.responses"), ("threads", "beta.threads"))
    assert calls(file, group_names=groups) == {
        "createResponse": "client.responses.create",
        "beta_createResponse": "client.beta.responses.create",
        "beta_listInputItems": "client.beta.responses.input_items.list",
        "createRun": "client.beta.threads.runs.create",
    }


def test_a_group_name_that_renames_nothing_is_a_warning(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/things": {"get": op("listThings", PAGE)}})
    lowered = lower_spec(file, group_names=(("thinsg", "other"),))
    assert [w.message for w in lowered.warnings] == ["`group_names` in [tool.generator] renames 'thinsg', which names no resource or path of the operations generated"]


def test_method_names_win_and_move_the_conventional_name(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/things": {"get": op("listThings", PAGE)}, "/things/all": {"get": op("allThings", PAGE)}})
    assert calls(file, method_names=(("allThings", "things.list"),)) == {"listThings": "client.things.list_things", "allThings": "client.things.list"}


def test_method_names_for_an_unknown_operation_is_an_error(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/things": {"get": op("listThings", PAGE)}})
    with pytest.raises(SpecError) as caught:
        lower_spec(file, method_names=(("listThigns", "things.all"),))
    (problem,) = caught.value.problems
    assert problem.message == "`method_names` in [tool.generator] names operationId 'listThigns', which no operation has"
    assert problem.hint == "did you mean 'listThings'?"


def test_method_names_mapping_two_operations_to_one_name_is_an_error_naming_both(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/a": {"get": op("getA")}, "/b": {"get": op("getB")}})
    with pytest.raises(SpecError) as caught:
        lower_spec(file, method_names=(("getA", "things.get"), ("getB", "things.get")))
    (problem,) = caught.value.problems
    assert problem.message == "`method_names` in [tool.generator] maps 'getA' and 'getB' to one name, 'things.get'"


def test_method_names_errors_exit_1_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec(tmp_path, {"/a": {"get": op("getA")}})
    (tmp_path / "pyproject.toml").write_text('[tool.generator]\nmethod_names = { getX = "a.get" }\n[[tool.generator.targets]]\nspec = "api.json"\nout = "client"\npackage = "client"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["generate"]) == 1
    err = capsys.readouterr().err
    assert "names operationId 'getX', which no operation has" in err
    assert not (tmp_path / "client").exists()


# --- the naming report ------------------------------------------------------------------------


def test_names_command_prints_each_operation_and_its_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = spec(tmp_path, {"/posts/{id}.json": {"get": op("getPost")}, "/posts.json": {"get": op("listPosts", PAGE)}})
    assert main(["names", str(file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split() for line in out] == [
        ["client.posts.list", "GET", "/posts.json", "(listPosts)"],
        ["client.posts.retrieve", "GET", "/posts/{id}.json", "(getPost)"],
    ]
    assert not (tmp_path / "client").exists()


def test_names_report_escapes_what_a_terminal_would_obey(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/posts": {"get": op("list\x1b[2JPosts", PAGE)}})
    text = surface.report(lower_spec(file).api)
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_check_lists_renamed_and_removed_methods_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "client"
    file = spec(tmp_path, {"/pods": {"get": op("listPods", PAGE), "delete": op("deletePods", None)}, "/nodes": {"get": op("listNodes", PAGE)}})
    assert main(["generate", str(file), "--out", str(out), "--package", "client", "--no-cache", "--quiet"]) == 0
    # A new item path takes the collection DELETE's name; listPods goes away; listNodes stays as it was.
    spec(tmp_path, {"/pods": {"delete": op("deletePods", None)}, "/pods/{name}": {"delete": op("deletePod", None)}, "/nodes": {"get": op("listNodes", PAGE)}})
    capsys.readouterr()
    assert main(["check", str(file), "--out", str(out), "--package", "client", "--no-cache"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith(("renamed:", "removed:"))] == [
        "renamed: client.pods.delete -> client.pods.delete_all (DELETE /pods)",
        "removed: client.pods.list (GET /pods)",
    ]


def test_a_resource_never_hides_with_raw_response_or_with_streaming_response(tmp_path: Path) -> None:
    file = spec(tmp_path, {"/things/with_raw_response/items": {"get": op("listItems", PAGE)}, "/with_streaming_response/items": {"get": op("listTop", PAGE)}})
    assert calls(file) == {
        "listItems": "client.things.with_raw_response_.items.list",
        "listTop": "client.with_streaming_response.items.list",  # the client itself has no such attribute
    }


# --- model attributes ---------------------------------------------------------------------------


def test_model_attributes_are_snake_case_whatever_the_wire_style() -> None:
    from generator.lower.naming import field_names

    wires = ["itemsTotal", "billing-address", "contact.email", "HTTPStatus", "_links", "__type", "@odata.etag", "top_p", "model_ids", "file_id2"]
    assert list(field_names(wires).values()) == ["items_total", "billing_address", "contact_email", "http_status", "links", "type", "odata_etag", "top_p", "model_ids", "file_id2"]


def test_taken_attribute_names_by_rule_and_independent_of_order() -> None:
    from generator.lower.naming import field_names

    wires = ["totalCount", "total_count", "_links", "links", "schema", "json", "copy", "model_config", "to_dict", "class", "match", "a.b", "a-b", "a_b_"]
    expected = {
        "totalCount": "totalCount", "total_count": "total_count", "_links": "links_", "links": "links", "schema": "schema_", "json": "json_",
        "copy": "copy_", "model_config": "model_config_", "to_dict": "to_dict_", "class": "class_", "match": "match", "a.b": "a_b_2", "a-b": "a_b", "a_b_": "a_b_",
    }
    assert field_names(wires) == expected
    assert field_names(list(reversed(wires))) == expected


def test_names_do_not_depend_on_the_pythons_soft_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.12 made `type` a soft keyword: arguments and attributes named `type` must stay `type` there."""
    import keyword

    from generator.lower import naming

    monkeypatch.setattr(keyword, "issoftkeyword", lambda name: name in {"_", "case", "match", "type"})
    naming.snake.cache_clear()
    naming.field_name.cache_clear()
    try:
        assert (naming.snake("type"), naming.field_name("type"), naming.snake("Type"), naming.field_name("Type")) == ("type", "type", "type", "type")
    finally:
        naming.snake.cache_clear()
        naming.field_name.cache_clear()


def test_an_operation_id_made_from_the_path_takes_a_number_where_another_operation_has_it(tmp_path: Path) -> None:
    """No operationId: one is made from the method and path, and `/users/~` makes what `/users` makes (daniweb's
    spec in the corpus was refused for it). A stated id keeps its name; only an id stated twice is an error."""
    bare = {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": OBJECT}}}}}
    file = spec(tmp_path, {"/users/~": {"get": bare}, "/users": {"get": bare}, "/me": {"get": op("get_users")}})
    found = operations(file)
    assert {name: (o.path, o.http_method) for name, o in found.items()} == {
        "get_users_2": ("/users/~", "get"),
        "get_users_3": ("/users", "get"),
        "get_users": ("/me", "get"),
    }
    # `[tool.generator] method_names` knows the numbered ids: the check of the configuration hands them out as lowering does
    renamed = calls(file, method_names=(("get_users_2", "users.tilde"), ("get_users_3", "users.everyone")))
    assert (renamed["get_users_2"], renamed["get_users_3"]) == ("client.users.tilde", "client.users.everyone")
    twice = spec(tmp_path, {"/a": {"get": op("same")}, "/b": {"get": op("same")}})
    with pytest.raises(SpecError, match="duplicate operationId 'same'"):
        operations(twice)


def test_module_names_are_cut_to_fit_a_file_name(tmp_path: Path) -> None:
    """A 300-character schema or path gives a module (file) name of at most 160 characters, unique and stable
    (Microsoft Graph beta could not be written: `File name too long`)."""
    long_a, long_b = "x" * 150 + "Alpha" * 30, "x" * 150 + "Beta" * 30
    item = {"type": "object", "properties": {"a": {"$ref": f"#/components/schemas/{long_a}"}, "b": {"$ref": f"#/components/schemas/{long_b}"}}}
    document = {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/" + "segment" * 40: {"get": op("getIt", item)}},
        "components": {"schemas": {long_a: {"type": "object", "properties": {"id": {"type": "string"}}}, long_b: {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }
    file = tmp_path / "api.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    api = lower_spec(file).api
    modules = [t.module for t in api.types] + [r.module for r in api.resources]
    assert modules and all(len(m) <= 160 for m in modules) and len(set(modules)) == len(modules)
    assert any(len(m) > 150 for m in modules)  # cut, not dropped to a short name
    assert lower_spec(file).api == api


def test_argument_names_never_start_with_an_underscore() -> None:
    """A method imports its rules module as `_rules` and names nothing else so: no argument may take that name."""
    from generator.lower.operations import _argument_name

    wires = ["_rules", "__rules", "_", "_types", "_private[]", "__init__", "_rules<", "_1"]
    assert [n for n in map(_argument_name, wires) if n.startswith("_") or not n.isidentifier()] == []
