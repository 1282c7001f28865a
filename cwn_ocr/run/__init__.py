"""Running the stages: the pipeline (the only module that knows their order), batches, the
whole-run cache, and the doctor."""
