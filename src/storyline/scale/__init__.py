"""At scale: extraction into Parquet datasets (here or on a Dask cluster), DuckDB over them, the
cluster client. The extraction function itself is storyline.ingest.work's."""
