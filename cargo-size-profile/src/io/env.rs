//! The environment: variables and today's date.

/// Every environment variable with a name and value in UTF-8.
pub(crate) fn vars() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

/// An environment variable.
pub(crate) fn var(key: &str) -> Option<String> {
    std::env::var(key).ok()
}
