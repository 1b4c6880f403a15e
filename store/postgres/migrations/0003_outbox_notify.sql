-- New deliveries and edits wake every replica listening on herald_outbox,
-- whichever replica made them; the payload is the schema, since several
-- Heralds may share a database.
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('herald_outbox', TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
CREATE TRIGGER edits_notify AFTER INSERT ON edits
    FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
