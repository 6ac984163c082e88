package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of every key phananh uses: 32 bytes, written in key
// files as 64 hexadecimal characters.
const KeySize = 32

// The environment variables that may carry secrets instead of files.
const (
	EnvIMAPPassword  = "PHANANH_IMAP_PASSWORD"
	EnvSMTPPassword  = "PHANANH_SMTP_PASSWORD"
	EnvTokenKey      = "PHANANH_TOKEN_KEY"
	EnvEncryptionKey = "PHANANH_ENCRYPTION_KEY"
)

// IMAPPassword returns the IMAP password from PHANANH_IMAP_PASSWORD or, when
// that is unset, from imap.password_file.
func (c *Config) IMAPPassword() (string, error) {
	p, err := password("imap.password_file", c.IMAP.PasswordFile, EnvIMAPPassword)
	return p, c.Named(err)
}

// SMTPPassword returns the SMTP password from PHANANH_SMTP_PASSWORD or, when
// that is unset, from smtp.password_file; "" when neither is set (a relay
// that takes mail without authentication).
func (c *Config) SMTPPassword() (string, error) {
	p, err := password("smtp.password_file", c.SMTP.PasswordFile, EnvSMTPPassword)
	return p, c.Named(err)
}

// Named writes an error that starts with a key ("imap.password_file: …")
// as path:LINE: error, when the configuration was read from a file; any
// other error is returned as it is.
func (c *Config) Named(err error) error {
	if err == nil || c.Path == "" || !keyInError.MatchString(err.Error()) {
		return err // no key of this file: it names its own file (a holiday file's error)
	}
	return withLine(c.Path, c.lines, err)
}

func password(key, path, env string) (string, error) {
	if v, ok := os.LookupEnv(env); ok {
		return v, nil
	}
	if path == "" {
		return "", nil
	}
	b, err := readSecretFile(key, path)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// EncryptionKey returns the key that encrypts personal data at rest, from
// PHANANH_ENCRYPTION_KEY or security.encryption_key_file.
func (c *Config) EncryptionKey() ([]byte, error) {
	k, err := key("security.encryption_key_file", c.Security.EncryptionKeyFile, EnvEncryptionKey)
	return k, c.Named(err)
}

// TokenKeys returns the key that signs reply tokens, from PHANANH_TOKEN_KEY
// or security.token_key_file, and the previous key when
// security.previous_token_key_file is set (nil otherwise).
func (c *Config) TokenKeys() (current, previous []byte, err error) {
	current, err = key("security.token_key_file", c.Security.TokenKeyFile, EnvTokenKey)
	if err != nil || c.Security.PreviousTokenKeyFile == "" {
		return current, nil, c.Named(err)
	}
	previous, err = ReadKeyFile(c.Security.PreviousTokenKeyFile)
	if err != nil {
		return nil, nil, c.Named(fmt.Errorf("security.previous_token_key_file: %w", err))
	}
	return current, previous, nil
}

func key(name, path, env string) ([]byte, error) {
	if v, ok := os.LookupEnv(env); ok {
		k, err := ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", env, err)
		}
		return k, nil
	}
	k, err := ReadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A new installation's keys are made before they are read: this
		// one was lost, or the setting names the wrong file.
		return nil, fmt.Errorf("%s: %s does not exist: put the key file back from its copy, or correct %s "+
			"(without the key the data cannot be read)", name, path, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

// ReadKeyFile reads a key file: 64 hexadecimal characters, readable by its
// owner only.
func ReadKeyFile(path string) ([]byte, error) {
	b, err := readSecretFile("key file", path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ParseKey reads a key written as 64 hexadecimal characters.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := hex.DecodeString(s)
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("a key is %d hexadecimal characters (phananh keygen writes one)", 2*KeySize)
	}
	return k, nil
}

// readSecretFile reads a file holding a secret, refusing one that its group
// or others may read (SPEC 10.2).
func readSecretFile(key, path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: %s is readable by others (mode %04o): chmod 600 it", key, path, info.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return b, nil
}

// WriteKeyFile writes a new random key to path with mode 0600, creating its
// folder. It never overwrites an existing file: losing a key loses the data
// it protects.
func WriteKeyFile(path string) error {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("new key: %s already exists; remove it first if you really mean to replace it", path)
	}
	if err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	if _, err := fmt.Fprintln(f, hex.EncodeToString(k)); err != nil {
		f.Close()
		return fmt.Errorf("new key: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("new key: %s: %w", path, err)
	}
	return nil
}
