/*
 * Every wasi_snapshot_preview1 function, called on a descriptor that is
 * not open (or, for those without one, in a way that works): each
 * answers as the witx says, none with ENOSYS but proc_raise (signals
 * are not delivered to guests).  proc_exit ends the run last.
 */
#include <stdlib.h>

#include "rawwasi.h"

void raw_proc_exit(int32_t code) WASI(proc_exit);

int
main(void)
{
	const int B = 1000;          /* no such descriptor */
	uint8_t buf[256], st[64];
	uint32_t iov[2] = {(uint32_t)(uintptr_t)buf, sizeof buf};
	int32_t n, m;
	uint64_t t;
	char *ptrs[64];

	say("args_sizes_get", raw_args_sizes_get(&n, &m));
	say("args_get", n < 64 && m < 256 ? raw_args_get(ptrs, buf) : -1);
	say("environ_sizes_get", raw_environ_sizes_get(&n, &m));
	say("environ_get", n < 64 && m < 256 ? raw_environ_get(ptrs, buf) : -1);
	say("clock_res_get realtime", raw_clock_res_get(0, &t));
	say("clock_res_get monotonic", raw_clock_res_get(1, &t));
	say("clock_res_get process cputime", raw_clock_res_get(2, &t));
	say("clock_res_get thread cputime", raw_clock_res_get(3, &t));
	say("clock_res_get clock 4", raw_clock_res_get(4, &t));
	say("clock_time_get realtime", raw_clock_time_get(0, 1, &t));
	say("clock_time_get monotonic", raw_clock_time_get(1, 1, &t));
	say("clock_time_get process cputime", raw_clock_time_get(2, 1, &t));
	say("clock_time_get thread cputime", raw_clock_time_get(3, 1, &t));
	say("fd_advise", raw_fd_advise(B, 0, 0, 0));
	say("fd_allocate", raw_fd_allocate(B, 0, 1));
	say("fd_close", raw_fd_close(B));
	say("fd_datasync", raw_fd_datasync(B));
	say("fd_fdstat_get", raw_fd_fdstat_get(B, st));
	say("fd_fdstat_set_flags", raw_fd_fdstat_set_flags(B, 0));
	say("fd_fdstat_set_rights", raw_fd_fdstat_set_rights(B, 0, 0));
	say("fd_filestat_get", raw_fd_filestat_get(B, st));
	say("fd_filestat_set_size", raw_fd_filestat_set_size(B, 0));
	say("fd_filestat_set_times", raw_fd_filestat_set_times(B, 0, 0, 0));
	say("fd_pread", raw_fd_pread(B, iov, 1, 0, &n));
	say("fd_prestat_get", raw_fd_prestat_get(B, st));
	say("fd_prestat_dir_name", raw_fd_prestat_dir_name(B, (char *)buf, 10));
	say("fd_pwrite", raw_fd_pwrite(B, iov, 1, 0, &n));
	say("fd_read", raw_fd_read(B, iov, 1, &n));
	say("fd_readdir", raw_fd_readdir(B, buf, sizeof buf, 0, &n));
	say("fd_renumber", raw_fd_renumber(B, B + 1));
	say("fd_seek", raw_fd_seek(B, 0, 0, &t));
	say("fd_sync", raw_fd_sync(B));
	say("fd_tell", raw_fd_tell(B, &t));
	say("fd_write", raw_fd_write(B, iov, 1, &n));
	say("path_create_directory", raw_path_create_directory(B, S("x")));
	say("path_filestat_get", raw_path_filestat_get(B, 0, S("x"), st));
	say("path_filestat_set_times", raw_path_filestat_set_times(B, 0, S("x"), 0, 0, 0));
	say("path_link", raw_path_link(B, 0, S("x"), B, S("y")));
	say("path_open", raw_path_open(B, 0, S("x"), 0, 0, 0, 0, &n));
	say("path_readlink", raw_path_readlink(B, S("x"), (char *)buf, 10, &n));
	say("path_remove_directory", raw_path_remove_directory(B, S("x")));
	say("path_rename", raw_path_rename(B, S("x"), B, S("y")));
	say("path_symlink", raw_path_symlink(S("x"), B, S("y")));
	say("path_unlink_file", raw_path_unlink_file(B, S("x")));
	say("poll_oneoff with no subscriptions", raw_poll_oneoff(buf, buf, 0, &n));
	say("proc_raise", raw_proc_raise(15));
	say("random_get", raw_random_get(buf, sizeof buf));
	say("sched_yield", raw_sched_yield());
	say("sock_accept", raw_sock_accept(B, 0, &n));
	say("sock_recv", raw_sock_recv(B, iov, 1, 0, &n, (uint16_t *)st));
	say("sock_send", raw_sock_send(B, iov, 1, 0, &n));
	say("sock_shutdown", raw_sock_shutdown(B, 3));
	printf("proc_exit 7\n");
	fflush(stdout);
	raw_proc_exit(7);
	return 0;
}
