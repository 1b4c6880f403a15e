package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/heraldhq/herald"
)

var errTODO = errors.New("sqlite: not implemented yet")

func (s *Store) ItemHashes(ctx context.Context, keys []string) (map[string]string, error) {
	return nil, errTODO
}
func (s *Store) DueDeliveries(ctx context.Context, target herald.Target, until time.Time, limit int) ([]herald.Delivery, error) {
	return nil, errTODO
}
func (s *Store) MarkDigested(ctx context.Context, ids []int64, messageID string) error { return errTODO }
func (s *Store) LastSent(ctx context.Context, target herald.Target) (time.Time, error) {
	return time.Time{}, errTODO
}
func (s *Store) NextEdit(ctx context.Context, target herald.Target) (herald.Edit, error) {
	return herald.Edit{}, herald.ErrNotFound
}
func (s *Store) MarkEdited(ctx context.Context, id int64) error { return errTODO }
func (s *Store) MarkEditRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return errTODO
}
func (s *Store) MarkEditFailed(ctx context.Context, id int64, reason string) error { return errTODO }
func (s *Store) Retract(ctx context.Context, key string) (int, error)               { return 0, errTODO }
func (s *Store) Revisions(ctx context.Context, ref string) ([]herald.Revision, error) {
	return nil, errTODO
}
