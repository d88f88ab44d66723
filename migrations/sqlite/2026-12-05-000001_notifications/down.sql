DROP TABLE reminders_sent;
DROP TABLE notification_opt_outs;
