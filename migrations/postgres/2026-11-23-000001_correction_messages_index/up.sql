-- The form read checks the newest message of a form's threads, and loads the threads by request.
CREATE INDEX correction_messages_request ON correction_messages (request_id, id);
