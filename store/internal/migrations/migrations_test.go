package migrations

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrationVersion(t *testing.T) {
	tests := []struct {
		name string
		want int // 0: an error
	}{
		{"0001_init.sql", 1},
		{"0012_add_index.sql", 12},
		{"7_short.sql", 7},
		{"0000_zero.sql", 0},
		{"0001.sql", 0},
		{"0001_.sql", 0},
		{"_init.sql", 0},
		{"00a1_init.sql", 0},
		{"-001_init.sql", 0},
		{"+001_init.sql", 0},
		{"0001_init.txt", 0},
		{"0001_init.sql.bak", 0},
		{"9999999999_big.sql", 0},
		{"", 0},
	}
	for _, tc := range tests {
		got, err := Version(tc.name)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("Version(%q) = %d, want an error", tc.name, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Version(%q) = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []int // nil: an error
	}{
		{"none", fstest.MapFS{}, []int{}},
		{"in order", fstest.MapFS{
			"migrations/0002_b.sql": file("B"),
			"migrations/0001_a.sql": file("A"),
			"migrations/README":     file("ignored"),
		}, []int{1, 2}},
		{"numeric order", fstest.MapFS{
			"migrations/10_j.sql": file(""), "migrations/9_i.sql": file(""), "migrations/8_h.sql": file(""),
			"migrations/7_g.sql": file(""), "migrations/6_f.sql": file(""), "migrations/5_e.sql": file(""),
			"migrations/4_d.sql": file(""), "migrations/3_c.sql": file(""), "migrations/2_b.sql": file(""),
			"migrations/1_a.sql": file(""),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"gap", fstest.MapFS{"migrations/0001_a.sql": file(""), "migrations/0003_c.sql": file("")}, nil},
		{"repeat", fstest.MapFS{"migrations/0001_a.sql": file(""), "migrations/0001_b.sql": file("")}, nil},
		{"not from one", fstest.MapFS{"migrations/0002_b.sql": file("")}, nil},
		{"bad name", fstest.MapFS{"migrations/init.sql": file("")}, nil},
	}
	for _, tc := range tests {
		ms, err := Load(tc.files)
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: Load succeeded", tc.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Load: %v", tc.name, err)
			continue
		}
		got := make([]int, len(ms))
		for i, m := range ms {
			got[i] = m.Version
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: versions %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: versions %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

// FuzzMigrationVersion checks that a migration name is read without a panic
// and that a number read back names the same file.
func FuzzMigrationVersion(f *testing.F) {
	for _, s := range []string{"0001_init.sql", "12_x.sql", "_.sql", "0001_init", "00000000001_x.sql", "１_x.sql"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v, err := Version(name)
		if err != nil {
			return
		}
		if v < 1 {
			t.Fatalf("Version(%q) = %d", name, v)
		}
		num, _, _ := strings.Cut(name, "_")
		if back, err := Version(fmt.Sprintf("%0*d_x.sql", len(num), v)); err != nil || back != v {
			t.Fatalf("Version(%q) = %d, but %d reads back as %d, %v", name, v, v, back, err)
		}
	})
}
