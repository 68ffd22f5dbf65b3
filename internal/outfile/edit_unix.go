//go:build unix

package outfile

import (
	"io/fs"
	"os"
	"syscall"
)

// replaceLoses says what replacing the file by a rename would lose, or
// "" when nothing: a hard link's other names would keep the old content,
// extended attributes (SELinux labels, ACLs) stay with the old inode,
// and an owner other than the process's can be given back only by root.
func replaceLoses(real string, info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	switch {
	case st.Nlink > 1:
		return "it has other hard links"
	case hasXattrs(real):
		return "it has extended attributes"
	case os.Geteuid() != 0 && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid() && !inGroup(int(st.Gid))):
		return "another user or group owns it"
	}
	return ""
}

func inGroup(gid int) bool {
	groups, err := os.Getgroups()
	if err != nil {
		return false
	}
	for _, g := range groups {
		if g == gid {
			return true
		}
	}
	return false
}

// keepOwner gives f the owner and group of the file it replaces.
func keepOwner(f *os.File, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if cur, err := f.Stat(); err == nil {
		if c, ok := cur.Sys().(*syscall.Stat_t); ok && c.Uid == st.Uid && c.Gid == st.Gid {
			return nil
		}
	}
	return f.Chown(int(st.Uid), int(st.Gid))
}
