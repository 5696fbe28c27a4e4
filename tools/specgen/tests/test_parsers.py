"""The PDF-table, web-table, example and constraint parsers on small synthetic inputs."""
import constraints
import examples
import tables
import webtables

PDF = """Table 5-15 Query Parameters

Parameter Mandatory Type Description

include_failur
e

No String Whether to count
failures.

limit No Integer Page size. The minimum value is 1.
The maximum value is 1000.
 Parameter Mandatory Type Description

tags No Array of
ResourceTag
objects

Tags.

 

Table 5-16 Response body parameters

Parameter Type Description

instances Array of
InstanceListI
nfo objects

Instance details.

features Features
object

What the instance supports.

 
""".split("\n")


def rows_of(text_lines, known=()):
    st = tables.SectionTables(text_lines, known)
    return {t.title: [(r.name, r.required, r.type_text) for r in t.rows] for t in st.tables}


def test_wrapped_names_and_types_are_joined_and_repeated_headers_skipped():
    got = rows_of(PDF, {"InstanceListInfo", "Features", "ResourceTag"})
    assert got["Query Parameters"] == [("include_failure", False, "String"), ("limit", False, "Integer"),
                                       ("tags", False, "Array of ResourceTag objects")]
    assert got["Response body parameters"] == [("instances", None, "Array of InstanceListInfo objects"),
                                               ("features", None, "Features object")]


def test_description_lines_are_not_taken_for_rows():
    lines = ["Table 5-1 X", "", "Parameter Type Description", "", "oll Integer Number of objects (when",
             "a string object.)", "", "omem Integer Memory.", ""]
    assert rows_of(lines)["X"] == [("oll", None, "Integer"), ("omem", None, "Integer")]


def test_out_of_date_tables_put_the_type_before_mandatory():
    lines = ["Table 8-20 Parameter description", "", "Parameter Type Mand", "atory", "", "Description", "",
             "start Integer No Start number.", "", "isExactMatch", "Name", "", "String No Exact match.", "",
             "enable_ssl Boolea", "n", "", "No Whether SSL.", ""]
    assert rows_of(lines)["Parameter description"] == [("start", False, "Integer"),
                                                       ("isExactMatchName", False, "String"),
                                                       ("enable_ssl", False, "Boolean")]


def test_web_tables():
    lines = ["Table 2 Query参数", "", "参数", "是否必选", "参数类型", "描述", "", "offset", "否", "Integer", "",
             "取值范围", "大于等于0。", "默认取值", "0", "status", "String", "取值范围", "waiting:等待中。",
             "failed:失败。"]
    t = webtables.parse(lines)[0]
    assert [(r.name, r.required, r.type_text) for r in t.rows] == [("offset", False, "Integer"),
                                                                   ("status", None, "String")]
    assert constraints.facts(t.rows[0].desc_lines, "integer", True) == {"minimum": 0, "default": 0}
    assert constraints.facts(t.rows[1].desc_lines, "string", True) == {"enum": ["waiting", "failed"]}


def test_constraints_keep_the_looser_bound_and_split_request_from_response_values():
    text = ["Offset. The value must be greater than or equal to 0.", "Minimum: 1", "Default: 0"]
    assert constraints.facts(text, "integer", True) == {"minimum": 0, "default": 0}
    values = ["Edition.", "Enumeration values:", "● generic", "● enterprise"]
    assert constraints.facts(values, "string", True) == {"enum": ["generic", "enterprise"]}
    assert constraints.facts(values, "string", False) == {"x-dcskit-values": ["generic", "enterprise"]}
    assert constraints.facts(["Error code.", "Maximum: 9"], "string", False) == {"maxLength": 9}
    # "Options" whose items are not bare values give no enum.
    assert constraints.facts(["Options:", "● true: all of them", "● false or other values: some"],
                             "string", True) == {}


def test_examples_rejoin_strings_wrapped_by_the_pdf_and_keep_status():
    lines = ["Example Requests", "POST https://x/v2/p/instances", "", "{", '  "rename" : "{\\"flushdb', '\\":1}"',
             "}", "", "Example Responses", "", "Status code: 200", "", "● Example 1", "{", '  "a" : 1', "}",
             "Status code: 400", "", "{", '  "error_code" : "DCS.4800"', "}", "", "SDK Sample Code", "{", "}"]
    ex = examples.Examples(lines)
    assert ex.requests == [{"rename": '{"flushdb":1}'}]
    assert ex.responses == {200: [{"a": 1}], 400: [{"error_code": "DCS.4800"}]}
    assert ex.invalid == []


def test_example_urls_are_rejoined():
    lines = ["Example Requests", "GET https://{dcs_endpoint}/v2/{project_id}/instances?",
             "offset=0&limit=10&name", "_equal=false", "", "Example Responses", "Status code: 400", "",
             "GET https://not/a/request", "SDK Sample Code"]
    ex = examples.Examples(lines)
    assert ex.urls == ["GET https://{dcs_endpoint}/v2/{project_id}/instances?offset=0&limit=10&name_equal=false"]


def test_run_on_error_rows_are_split():
    import errorcodes
    assert errorcodes._split_run_on("Invalid token. Invalid token. Check whether the request parameters are valid.") \
        == ("Invalid token.", "Check whether the request parameters are valid.")
    assert errorcodes.hint("Check whether the request  parameters are valid.", 400) == "Fix the request parameters."


def test_array_of_objects_without_a_type_name_has_object_items():
    import docmerge
    assert docmerge.doc_kind("Array of objects") == ("array", None, "Object", None)
    assert docmerge.doc_kind("Array of strings") == ("array", None, "String", None)
    assert docmerge.doc_kind("Array of ResourceTag objects") == ("array", None, None, "ResourceTag")
