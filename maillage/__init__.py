"""Maillage's domain: everything the pages and the command line compute or write (no Streamlit here)."""
