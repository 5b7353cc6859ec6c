"""The metric pipelines: canonical definitions, the five models' SQL, the engines that run it,
the lake reader and writer and the source generator. Heavy libraries are imported inside
functions."""
