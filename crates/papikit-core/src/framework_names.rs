//! Dimension names by period (from data/papi_dimensions.csv), used where only published
//! dimension scores are at hand.

/// (English, Vietnamese) name of dimension `k` (1-based) in `year`.
pub fn dimension_name(k: usize, year: u16) -> (&'static str, &'static str) {
    let new = year >= 2018;
    match k {
        1 => (
            "Participation at Local Levels",
            "Tham gia của người dân ở cấp cơ sở",
        ),
        2 if new => (
            "Transparency in Local Decision-making",
            "Công khai, minh bạch trong việc ra quyết định ở địa phương",
        ),
        2 => ("Transparency", "Công khai, minh bạch"),
        3 if new => (
            "Vertical Accountability Towards Citizens",
            "Trách nhiệm giải trình với người dân",
        ),
        3 => (
            "Vertical Accountability",
            "Trách nhiệm giải trình với người dân",
        ),
        4 if new => (
            "Control of Corruption in the Public Sector",
            "Kiểm soát tham nhũng trong khu vực công",
        ),
        4 => (
            "Control of Corruption",
            "Kiểm soát tham nhũng trong khu vực công",
        ),
        5 => (
            "Public Administrative Procedures",
            "Thủ tục hành chính công",
        ),
        6 => ("Public Service Delivery", "Cung ứng dịch vụ công"),
        7 => ("Environmental Governance", "Quản trị môi trường"),
        8 => ("E-Governance", "Quản trị điện tử"),
        _ => ("", ""),
    }
}
