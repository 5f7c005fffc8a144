;; The WASI fuzz target's guest (fuzz/wasi_fuzz.c): every preview1
;; function imported, and op(n, a0..a8) calling function n with its
;; parameters taken from a0.. (i32 ones wrapped).  Made by hand from
;; the witx signatures; the list is in the order of the imports.
(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func $fd_advise (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $fd_allocate (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_datasync" (func $fd_datasync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $fd_fdstat_set_flags (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $fd_fdstat_set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $fd_filestat_set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $fd_sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $path_filestat_set_times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $sock_send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "op") (param $n i32) (param $a0 i64) (param $a1 i64) (param $a2 i64)
        (param $a3 i64) (param $a4 i64) (param $a5 i64) (param $a6 i64) (param $a7 i64)
        (param $a8 i64) (result i32)
    (block $b45
    (block $b44
    (block $b43
    (block $b42
    (block $b41
    (block $b40
    (block $b39
    (block $b38
    (block $b37
    (block $b36
    (block $b35
    (block $b34
    (block $b33
    (block $b32
    (block $b31
    (block $b30
    (block $b29
    (block $b28
    (block $b27
    (block $b26
    (block $b25
    (block $b24
    (block $b23
    (block $b22
    (block $b21
    (block $b20
    (block $b19
    (block $b18
    (block $b17
    (block $b16
    (block $b15
    (block $b14
    (block $b13
    (block $b12
    (block $b11
    (block $b10
    (block $b9
    (block $b8
    (block $b7
    (block $b6
    (block $b5
    (block $b4
    (block $b3
    (block $b2
    (block $b1
    (block $b0
      (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $b10 $b11 $b12 $b13 $b14 $b15 $b16 $b17 $b18 $b19 $b20 $b21 $b22 $b23 $b24 $b25 $b26 $b27 $b28 $b29 $b30 $b31 $b32 $b33 $b34 $b35 $b36 $b37 $b38 $b39 $b40 $b41 $b42 $b43 $b44 $b45 $b0 (i32.rem_u (local.get $n) (i32.const 46))))
    (return (call $args_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $args_sizes_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $environ_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $environ_sizes_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $clock_res_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $clock_time_get (i32.wrap_i64 (local.get $a0)) (local.get $a1) (i32.wrap_i64 (local.get $a2)))))
    (return (call $fd_advise (i32.wrap_i64 (local.get $a0)) (local.get $a1) (local.get $a2) (i32.wrap_i64 (local.get $a3)))))
    (return (call $fd_allocate (i32.wrap_i64 (local.get $a0)) (local.get $a1) (local.get $a2))))
    (return (call $fd_close (i32.wrap_i64 (local.get $a0)))))
    (return (call $fd_datasync (i32.wrap_i64 (local.get $a0)))))
    (return (call $fd_fdstat_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_fdstat_set_flags (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_fdstat_set_rights (i32.wrap_i64 (local.get $a0)) (local.get $a1) (local.get $a2))))
    (return (call $fd_filestat_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_filestat_set_size (i32.wrap_i64 (local.get $a0)) (local.get $a1))))
    (return (call $fd_filestat_set_times (i32.wrap_i64 (local.get $a0)) (local.get $a1) (local.get $a2) (i32.wrap_i64 (local.get $a3)))))
    (return (call $fd_pread (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (local.get $a3) (i32.wrap_i64 (local.get $a4)))))
    (return (call $fd_prestat_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_prestat_dir_name (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)))))
    (return (call $fd_pwrite (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (local.get $a3) (i32.wrap_i64 (local.get $a4)))))
    (return (call $fd_read (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)))))
    (return (call $fd_readdir (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (local.get $a3) (i32.wrap_i64 (local.get $a4)))))
    (return (call $fd_renumber (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_seek (i32.wrap_i64 (local.get $a0)) (local.get $a1) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)))))
    (return (call $fd_sync (i32.wrap_i64 (local.get $a0)))))
    (return (call $fd_tell (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $fd_write (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)))))
    (return (call $path_create_directory (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)))))
    (return (call $path_filestat_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)))))
    (return (call $path_filestat_set_times (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (local.get $a4) (local.get $a5) (i32.wrap_i64 (local.get $a6)))))
    (return (call $path_link (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)) (i32.wrap_i64 (local.get $a5)) (i32.wrap_i64 (local.get $a6)))))
    (return (call $path_open (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)) (local.get $a5) (local.get $a6) (i32.wrap_i64 (local.get $a7)) (i32.wrap_i64 (local.get $a8)))))
    (return (call $path_readlink (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)) (i32.wrap_i64 (local.get $a5)))))
    (return (call $path_remove_directory (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)))))
    (return (call $path_rename (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)) (i32.wrap_i64 (local.get $a5)))))
    (return (call $path_symlink (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)))))
    (return (call $path_unlink_file (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)))))
    (return (call $poll_oneoff (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)))))
    (return (block (result i32) (call $proc_exit (i32.wrap_i64 (local.get $a0))) (i32.const 0))))
    (return (call $proc_raise (i32.wrap_i64 (local.get $a0)))))
    (return (call $random_get (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)))))
    (return (call $sched_yield)))
    (return (call $sock_accept (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)))))
    (return (call $sock_recv (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)) (i32.wrap_i64 (local.get $a5)))))
    (return (call $sock_send (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1)) (i32.wrap_i64 (local.get $a2)) (i32.wrap_i64 (local.get $a3)) (i32.wrap_i64 (local.get $a4)))))
    (return (call $sock_shutdown (i32.wrap_i64 (local.get $a0)) (i32.wrap_i64 (local.get $a1))))
    (unreachable)))
