"""Scale-out helpers: synthetic corpora for benchmarks, Dask execution."""
