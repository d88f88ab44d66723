DROP TABLE fiche_batches;
DROP TABLE benchmark_snapshot_inputs;
DROP TABLE benchmark_snapshots;
DROP TABLE peer_inputs;
