-- routing_version counts the changes of what routing is built from: the
-- follows, the paused targets and the moves. A process keeps the routing
-- it built from them until the count changes, whichever replica made it.
CREATE TABLE routing_version (
    id      int PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO routing_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_routing_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE routing_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER follows_routing AFTER INSERT OR UPDATE OR DELETE ON follows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();
CREATE TRIGGER paused_routing AFTER INSERT OR UPDATE OR DELETE ON paused
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();
CREATE TRIGGER moves_routing AFTER INSERT OR UPDATE OR DELETE ON moves
    FOR EACH STATEMENT EXECUTE FUNCTION bump_routing_version();
