"""Writers: tables (CSV / Parquet / JSONL), JSON and text, always atomic."""

from tr_nlp.export.tables import (
    TABLE_SUFFIXES,
    atomic_path,
    check_file_path,
    check_folder_path,
    check_table_path,
    write_json,
    write_table,
    write_text,
)

__all__ = ["TABLE_SUFFIXES", "atomic_path", "check_file_path", "check_folder_path", "check_table_path", "write_json",
           "write_table", "write_text"]
