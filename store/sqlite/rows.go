package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerStatement is the most rows insertRows writes with one statement:
// few enough that a statement's values stay far below SQLite's limit on
// parameters, enough that the cost of a statement is shared.
const rowsPerStatement = 100

// insertRows writes rows with multi-row INSERT statements: insert, as
// "INSERT INTO t (a, b) VALUES", then row, the values of one row as
// "(?, ?)", once per row, then suffix, such as an ON CONFLICT clause. args
// holds the values of every row, one row after the other. insertRows
// returns how many rows the statements changed. A statement costs some
// ten microseconds whatever it writes, so an Ingest writing hundreds of
// rows writes them with a few statements instead of one each.
func insertRows(ctx context.Context, tx *sql.Tx, insert, row, suffix string, args []any) (int, error) {
	width := strings.Count(row, "?")
	changed := 0
	for len(args) > 0 {
		n := min(len(args)/width, rowsPerStatement)
		var q strings.Builder
		q.Grow(len(insert) + n*(len(row)+2) + len(suffix) + 2)
		q.WriteString(insert)
		for i := range n {
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("\n")
			q.WriteString(row)
		}
		q.WriteString("\n")
		q.WriteString(suffix)
		res, err := tx.ExecContext(ctx, q.String(), args[:n*width]...)
		if err != nil {
			return 0, err
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		changed += int(m)
		args = args[n*width:]
	}
	return changed, nil
}
