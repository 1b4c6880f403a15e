// Package migrations reads a store's numbered schema migrations: files
// named like migrations/0001_init.sql, applied in the order of their
// numbers. Each store applies them in its own dialect.
package migrations

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// A Migration is one numbered step of a schema.
type Migration struct {
	Version int
	// Name is the file's name, such as 0001_init.sql.
	Name string
	SQL  string
}

// Load reads the migrations/*.sql files of fsys in order. Their numbers
// must run 1, 2, 3… without a gap or a repeat.
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	ms := make([]Migration, 0, len(names))
	for _, name := range names {
		v, err := Version(path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: path.Base(name), SQL: string(b)})
	}
	// fs.Glob sorts names, but the numbers have a fixed width only by
	// convention, so order by number.
	slices.SortFunc(ms, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: %s: want version %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// Version reads the number of a migration file named like
// "0001_init.sql".
func Version(name string) (int, error) {
	base, ok := strings.CutSuffix(name, ".sql")
	num, label, ok2 := strings.Cut(base, "_")
	if !ok || !ok2 || label == "" || num == "" || len(num) > 9 {
		return 0, fmt.Errorf("%q: want a name like 0001_init.sql", name)
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: want a name like 0001_init.sql", name)
		}
	}
	v, err := strconv.Atoi(num)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%q: want a version of 1 or more", name)
	}
	return v, nil
}
