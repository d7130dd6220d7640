package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoRoot(t *testing.T) {
	root := RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Errorf("RepoRoot %s: %v", root, err)
	}
	if want, _ := filepath.Abs(filepath.Join("..", "..")); root != want {
		t.Errorf("RepoRoot = %s, want %s", root, want)
	}
}

func TestCorpusAbsentSkips(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(repo, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(repo, "sub"))
	var skipped bool
	t.Run("corpus", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		CorpusPDFs(t)
	})
	if !skipped {
		t.Error("CorpusPDFs did not skip without ../shared/corpus/imr")
	}
}
