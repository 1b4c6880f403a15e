-- routing_version counts the changes of what routing is built from: the
-- follows, the paused targets and the moves. A process keeps the routing
-- it built from them until the count changes.
CREATE TABLE routing_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO routing_version (id, version) VALUES (1, 0);

CREATE TRIGGER follows_insert_routing AFTER INSERT ON follows BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER follows_update_routing AFTER UPDATE ON follows BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER follows_delete_routing AFTER DELETE ON follows BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER paused_insert_routing AFTER INSERT ON paused BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER paused_update_routing AFTER UPDATE ON paused BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER paused_delete_routing AFTER DELETE ON paused BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER moves_insert_routing AFTER INSERT ON moves BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER moves_update_routing AFTER UPDATE ON moves BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER moves_delete_routing AFTER DELETE ON moves BEGIN UPDATE routing_version SET version = version + 1; END;
