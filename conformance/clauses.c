/* clauses.c — the catalogue compiled in from spec/clauses/malloc.def. */
#include <string.h>

#include "hs_internal.h"

struct hst_clause hst_clauses[HSC_COUNT] = {
#define HS_CLAUSE(id, cls, grp, stmt, src) {"", #cls[0], #grp, HS_FAMILY, stmt, src},
#include "clauses/all.def"
#undef HS_CLAUSE
};

/* The ids as written in the .def use '_'; the catalogue's ids use '-'. */
static char clause_ids[HSC_COUNT][48];

static void fill_ids(void)
{
    static const char *raw[HSC_COUNT] = {
#define HS_CLAUSE(id, cls, grp, stmt, src) #id,
#include "clauses/all.def"
#undef HS_CLAUSE
    };
    for (int i = 0; i < HSC_COUNT; i++) {
        size_t n = strlen(raw[i]);
        if (n >= sizeof clause_ids[i])
            n = sizeof clause_ids[i] - 1;
        for (size_t k = 0; k < n; k++)
            clause_ids[i][k] = raw[i][k] == '_' ? '-' : raw[i][k];
        clause_ids[i][n] = '\0';
        hst_clauses[i].id = clause_ids[i];
    }
}

/* Runs before main: the table is complete before anything reads it. */
__attribute__((constructor)) static void clauses_init(void)
{
    fill_ids();
}

int hst_clause_find(const char *id, size_t len)
{
    for (int i = 0; i < HSC_COUNT; i++)
        if (strlen(hst_clauses[i].id) == len && memcmp(hst_clauses[i].id, id, len) == 0)
            return i;
    return -1;
}
