"""Helpers the pages share that need Streamlit (engine per process, current council)."""
