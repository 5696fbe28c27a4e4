//! The analysis report as one self-contained HTML page: summary cards, bytes and counts per
//! type, a zoomable prefix treemap, a sortable and filterable top-keys table, TTL and size
//! histograms, a per-shard table. No network fetches: data, styles and code are inline.

const TEMPLATE: &str = include_str!("template.html");

/// Renders the report JSON (the analyzer's `Report::to_json()`) as a full page.
pub fn render(report: &serde_json::Value) -> String {
    render_with(report, false)
}

/// The compact form (smaller treemap, top 20 keys, no histograms) for notebooks.
pub fn render_compact(report: &serde_json::Value) -> String {
    render_with(report, true)
}

fn render_with(report: &serde_json::Value, compact: bool) -> String {
    TEMPLATE
        .replace("__COMPACT__", if compact { "true" } else { "false" })
        .replace("__REPORT_JSON__", &embed_json(report))
}

/// JSON made safe inside `<script>`: nothing in it can close the element or open a comment.
fn embed_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_key_names_cannot_break_out_of_the_script() {
        let report = serde_json::json!({
            "total_bytes": 1, "total_num": 1,
            "largest_keys": [{"key": "</script><script>alert(1)</script>", "type": "string", "bytes": 1, "num_of_elem": 1}]
        });
        let html = render(&report);
        assert_eq!(html.matches("</script>").count(), 2, "only the page's own two script elements close");
        assert!(!html.contains("__REPORT_JSON__") && !html.contains("__COMPACT__"));
        let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let back: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn page_is_self_contained() {
        let html = render(&serde_json::json!({}));
        for needle in ["http://", "https://", "src=", "<link"] {
            let allowed = needle == "http://" && html.matches(needle).count() == html.matches("http://www.w3.org/2000/svg").count();
            assert!(!html.contains(needle) || allowed, "found {needle}");
        }
    }
}
