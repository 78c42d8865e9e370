//! The Ringscope plugin (placeholder until the plugin issue lands).
