/*-------------------------------------------------------------------------
 *
 * atomics.h (test stub)
 *	  The server's 64-bit atomics and memory barriers that src/history.c
 *	  uses, over the compiler's builtins.
 *
 * test/unit/stub/port/atomics.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_TEST_STUB_ATOMICS_H
#define PSS_TEST_STUB_ATOMICS_H

typedef struct pg_atomic_uint64
{
	volatile uint64 value;
} pg_atomic_uint64;

static inline void
pg_atomic_init_u64(volatile pg_atomic_uint64 *p, uint64 v)
{
	__atomic_store_n(&p->value, v, __ATOMIC_SEQ_CST);
}

static inline uint64
pg_atomic_read_u64(volatile pg_atomic_uint64 *p)
{
	return __atomic_load_n(&p->value, __ATOMIC_RELAXED);
}

static inline void
pg_atomic_write_u64(volatile pg_atomic_uint64 *p, uint64 v)
{
	__atomic_store_n(&p->value, v, __ATOMIC_RELAXED);
}

static inline uint64
pg_atomic_fetch_add_u64(volatile pg_atomic_uint64 *p, int64 add)
{
	return __atomic_fetch_add(&p->value, (uint64) add, __ATOMIC_SEQ_CST);
}

#define pg_read_barrier()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define pg_write_barrier()	__atomic_thread_fence(__ATOMIC_RELEASE)

#endif
