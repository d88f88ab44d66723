DROP TABLE referential_jobs;
