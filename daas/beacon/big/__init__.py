"""The big tables' path of the Beacon: tables past `daas.core.tables.BIG_ROWS` rows held in
DuckDB (`daas.core.big.Engine`, `daas.core.big.BigTable`) and worked on in SQL, stage by stage."""
