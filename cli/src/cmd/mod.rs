pub mod analyze;
pub mod api;
pub mod mock;
pub mod sign;
