/*
 * Unit tests of directory/ on the embedded LMDB backend, each in a fresh
 * temporary data directory.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dir_names.h"
#include "dir_record.h"
#include "directory.h"
#include "log.h"
#include "test.h"

static char data_dir[64];

static struct directory *fresh_dir(void)
{
	struct directory *dir = NULL;
	const char *error = NULL;
	char cmd[128];

	if (data_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
		if (system(cmd) != 0)
			abort();
	}
	snprintf(data_dir, sizeof(data_dir), "/tmp/test-directory-XXXXXX");
	if (mkdtemp(data_dir) == NULL || directory_open(NULL, data_dir, &dir, &error) < 0) {
		fprintf(stderr, "cannot open directory: %s\n", error ? error : "mkdtemp");
		abort();
	}
	return dir;
}

/* A directory with demo.test and alice (password "secret"). */
static struct directory *demo_dir(struct dir_user **alice_r, TALLOC_CTX *mem_ctx)
{
	struct directory *dir = fresh_dir();
	const char *error;

	if (directory_domain_add(dir, "demo.test", &error) < 0 ||
	    directory_user_add(dir, mem_ctx, "Alice@Demo.Test", "Alice Demo", "secret", alice_r,
	                       &error) < 0) {
		fprintf(stderr, "demo setup: %s\n", error);
		abort();
	}
	return dir;
}

static void test_open(void)
{
	struct directory *dir = fresh_dir();
	struct dir_org *org, *org2;
	TALLOC_CTX *tmp = talloc_new(NULL);
	static const struct mapi_guid zero;
	const char *error;
	struct stat st;
	char path[128];

	test_begin("open creates an organisation with defaults, private files");
	test_assert_int(directory_get_org(dir, tmp, &org, &error), 0);
	test_assert_str(org->name, "First Organization");
	test_assert(memcmp(org->deployment_id.b, zero.b, 16) != 0);
	snprintf(path, sizeof(path), "%s/directory", data_dir);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
	snprintf(path, sizeof(path), "%s/directory/data.mdb", data_dir);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	directory_close(&dir);
	test_assert(dir == NULL);
	test_assert_int(directory_open(tmp, data_dir, &dir, &error), 0);
	test_assert_int(directory_get_org(dir, tmp, &org2, &error), 0);
	test_assert_mem(org2->deployment_id.b, org->deployment_id.b, 16);
	test_assert_int(directory_set_org_name(dir, "Demo Org", &error), 0);
	test_assert_int(directory_set_org_name(dir, "a/b", &error), -1);
	test_assert(strstr(error, "'/'") != NULL);
	test_assert_int(directory_set_org_name(dir, "", &error), -1);
	test_assert_int(directory_get_org(dir, tmp, &org2, &error), 0);
	test_assert_str(org2->name, "Demo Org");
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_domains(void)
{
	struct directory *dir = fresh_dir();
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *error;
	char **list;
	unsigned count;

	test_begin("domains: add, duplicate, invalid, list, delete");
	test_assert_int(directory_domain_add(dir, "Demo.Test", &error), 0);
	test_assert_int(directory_domain_add(dir, "demo.test", &error), -1);
	test_assert(strstr(error, "already exists") != NULL);
	test_assert_int(directory_domain_add(dir, "example.org", &error), 0);
	test_assert_int(directory_domain_add(dir, "bad_domain.org", &error), -1);
	test_assert(strstr(error, "invalid") != NULL);
	test_assert_int(directory_domain_add(dir, "-a.org", &error), -1);
	test_assert_int(directory_domain_add(dir, "a..org", &error), -1);
	test_assert_int(directory_domain_add(dir, "", &error), -1);
	test_assert_int(directory_domain_list(dir, tmp, &list, &count, &error), 0);
	test_assert_int(count, 2);
	test_assert_str(list[0], "demo.test");
	test_assert_str(list[1], "example.org");
	test_assert(list[2] == NULL);
	test_assert_int(directory_domain_del(dir, "example.org", &error), 0);
	test_assert_int(directory_domain_del(dir, "example.org", &error), -1);
	test_assert(strstr(error, "not found") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "bob@demo.test", "Bob", NULL, NULL, &error),
	                0);
	test_assert_int(directory_domain_del(dir, "demo.test", &error), -1);
	test_assert(strstr(error, "in use") != NULL);
	test_assert_int(directory_user_del(dir, "bob@demo.test", &error), 0);
	test_assert_int(directory_domain_del(dir, "demo.test", &error), 0);
	test_assert_int(directory_domain_list(dir, tmp, &list, &count, &error), 0);
	test_assert_int(count, 0);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_user_add(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice, *bob;
	struct directory *dir = demo_dir(&alice, tmp);
	const char *error;
	char *want;

	test_begin("user add: normalised fields, LegacyDN, GUID, ids, errors");
	test_assert_str(alice->address, "alice@demo.test");
	test_assert_str(alice->domain, "demo.test");
	test_assert_str(alice->display_name, "Alice Demo");
	test_assert_int(alice->alias_count, 0);
	test_assert_int(alice->id, 1);
	test_assert_int(alice->mailbox_guid.b[7] >> 4, 4);
	want = talloc_asprintf(tmp,
	                       "/o=First Organization/ou=Exchange Administrative Group "
	                       "(FYDIBOHF23SPDLT)/cn=Recipients/cn=%s",
	                       dir_user_rdn(tmp, &alice->mailbox_guid, "alice@demo.test"));
	test_assert_str(alice->legacy_dn, want);
	test_assert_int(strlen(strrchr(alice->legacy_dn, '=') + 1), 32 + 1 + 5);
	/* <id> is the GUID's text form: its version nibble is the 13th digit */
	test_assert(strrchr(alice->legacy_dn, '=')[1 + 12] == '4');
	test_assert_int(directory_user_add(dir, tmp, "bob@demo.test", "Bob", "pw", &bob, &error),
	                0);
	test_assert_int(bob->id, 2);
	test_assert(memcmp(bob->mailbox_guid.b, alice->mailbox_guid.b, 16) != 0);
	test_assert_int(directory_user_add(dir, tmp, "ALICE@demo.test", "A", NULL, NULL, &error),
	                -1);
	test_assert(strstr(error, "already exists") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "carol@other.test", "C", NULL, NULL, &error),
	                -1);
	test_assert(strstr(error, "unknown domain") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "carol", "C", NULL, NULL, &error), -1);
	test_assert(strstr(error, "local@domain") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "a@b@demo.test", "C", NULL, NULL, &error), -1);
	test_assert_int(directory_user_add(dir, tmp, ".c@demo.test", "C", NULL, NULL, &error), -1);
	test_assert_int(directory_user_add(dir, tmp, "c/d@demo.test", "C", NULL, NULL, &error), -1);
	test_assert_int(directory_user_add(dir, tmp, "c@demo.test", "", NULL, NULL, &error), -1);
	test_assert(strstr(error, "display name") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "c@demo.test", "\xff", NULL, NULL, &error),
	                -1);
	test_assert_int(directory_user_add(dir, tmp, "c@demo.test", "a\nb", NULL, NULL, &error),
	                -1);
	/* ids are never reused */
	test_assert_int(directory_user_del(dir, "bob@demo.test", &error), 0);
	test_assert_int(directory_user_del(dir, "bob@demo.test", &error), -1);
	test_assert(strstr(error, "not found") != NULL);
	test_assert_int(directory_user_add(dir, tmp, "bob@demo.test", "Bob", NULL, &bob, &error),
	                0);
	test_assert_int(bob->id, 3);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_lookups(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice, *u;
	struct directory *dir = demo_dir(&alice, tmp);
	struct mapi_guid other = {{0}};
	const char *error;
	char *dn;

	test_begin("lookups by address, alias, LegacyDN and GUID");
	test_assert_int(directory_user_by_address(dir, tmp, "ALICE@demo.TEST", &u, &error), 1);
	test_assert_str(u->legacy_dn, alice->legacy_dn);
	test_assert_int(directory_user_by_address(dir, tmp, "nobody@demo.test", &u, &error), 0);
	test_assert_int(directory_user_by_address(dir, tmp, "garbage", &u, &error), 0);
	test_assert_int(directory_user_add_alias(dir, "alice@demo.test", "Al@Demo.Test", &error),
	                0);
	test_assert_int(directory_user_by_address(dir, tmp, "al@demo.test", &u, &error), 1);
	test_assert_str(u->address, "alice@demo.test");
	test_assert_int(u->alias_count, 1);
	test_assert_str(u->aliases[0], "al@demo.test");
	dn = talloc_strdup(tmp, alice->legacy_dn);
	for (char *p = dn; *p != '\0'; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, dn, &u, &error), 1);
	test_assert_str(u->address, "alice@demo.test");
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, "/o=x/cn=y", &u, &error), 0);
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, "", &u, &error), 0);
	test_assert_int(directory_user_by_mailbox_guid(dir, tmp, &alice->mailbox_guid, &u, &error),
	                1);
	test_assert_int(u->id, alice->id);
	test_assert_int(directory_user_by_mailbox_guid(dir, tmp, &other, &u, &error), 0);
	/* renaming the organisation renames every LegacyDN */
	test_assert_int(directory_set_org_name(dir, "Demo", &error), 0);
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, alice->legacy_dn, &u, &error), 0);
	test_assert_int(directory_user_by_address(dir, tmp, "alice@demo.test", &u, &error), 1);
	test_assert(strncmp(u->legacy_dn, "/o=Demo/ou=", 11) == 0);
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, u->legacy_dn, &u, &error), 1);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_aliases(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice, *u;
	struct directory *dir = demo_dir(&alice, tmp);
	const char *error;

	test_begin("aliases: unique across addresses, domain must exist");
	test_assert_int(directory_user_add(dir, tmp, "bob@demo.test", "Bob", NULL, NULL, &error),
	                0);
	test_assert_int(directory_user_add_alias(dir, "alice@demo.test", "bob@demo.test", &error),
	                -1);
	test_assert(strstr(error, "already exists") != NULL);
	test_assert_int(directory_user_add_alias(dir, "alice@demo.test", "a@nowhere.test", &error),
	                -1);
	test_assert(strstr(error, "unknown domain") != NULL);
	test_assert_int(directory_user_add_alias(dir, "nobody@demo.test", "x@demo.test", &error),
	                -1);
	test_assert(strstr(error, "not found") != NULL);
	test_assert_int(directory_user_add_alias(dir, "alice@demo.test", "bad alias", &error), -1);
	test_assert(strstr(error, "invalid") != NULL);
	test_assert_int(directory_user_add_alias(dir, "alice@demo.test", "al@demo.test", &error),
	                0);
	test_assert_int(directory_user_add(dir, tmp, "al@demo.test", "Al", NULL, NULL, &error), -1);
	test_assert(strstr(error, "already exists") != NULL);
	test_assert_int(directory_user_del(dir, "al@demo.test", &error), -1);
	test_assert(strstr(error, "alias") != NULL);
	test_assert_int(directory_user_del(dir, "alice@demo.test", &error), 0);
	test_assert_int(directory_user_by_address(dir, tmp, "al@demo.test", &u, &error), 0);
	test_assert_int(directory_user_by_mailbox_guid(dir, tmp, &alice->mailbox_guid, &u, &error),
	                0);
	test_assert_int(directory_user_by_legacy_dn(dir, tmp, alice->legacy_dn, &u, &error), 0);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_passwords(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice;
	struct directory *dir = demo_dir(&alice, tmp);
	/* [MS-NLMP] 4.2.2.1.2 NTOWFv1("Password") */
	static const uint8_t nt_password[16] = {0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
	                                        0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52};
	uint8_t hash[16];
	uint64_t stamp1 = 0, stamp2 = 0;
	const char *error;

	test_begin("passwords: argon2id verify, unknown users, NT hash, stamps");
	test_assert_int(directory_verify_password(dir, "alice@demo.test", "secret", &error), 1);
	test_assert_int(directory_verify_password(dir, "Alice@Demo.Test", "secret", &error), 1);
	test_assert_int(directory_verify_password(dir, "alice@demo.test", "Secret", &error), 0);
	test_assert_int(directory_verify_password(dir, "alice@demo.test", "", &error), 0);
	test_assert_int(directory_verify_password(dir, "nobody@demo.test", "secret", &error), 0);
	test_assert_int(directory_verify_password(dir, "not an address", "secret", &error), 0);
	test_assert_int(directory_password_stamp(dir, "alice@demo.test", &stamp1, &error), 1);
	test_assert_int(directory_password_stamp(dir, "ALICE@demo.test", &stamp2, &error), 1);
	test_assert(stamp1 == stamp2);
	test_assert_int(directory_user_set_password(dir, "alice@demo.test", "Password", &error), 0);
	/* a new password, even the same one again, is a new stamp */
	test_assert_int(directory_password_stamp(dir, "alice@demo.test", &stamp2, &error), 1);
	test_assert(stamp1 != stamp2);
	test_assert_int(directory_user_set_password(dir, "alice@demo.test", "Password", &error), 0);
	test_assert_int(directory_password_stamp(dir, "alice@demo.test", &stamp1, &error), 1);
	test_assert(stamp1 != stamp2);
	test_assert_int(directory_password_stamp(dir, "nobody@demo.test", &stamp1, &error), 0);
	test_assert_int(directory_verify_password(dir, "alice@demo.test", "secret", &error), 0);
	test_assert_int(directory_verify_password(dir, "alice@demo.test", "Password", &error), 1);
	test_assert_int(directory_get_nt_hash(dir, "alice@demo.test", hash, &error), 1);
	test_assert_mem(hash, nt_password, 16);
	test_assert_int(directory_get_nt_hash(dir, "nobody@demo.test", hash, &error), 0);
	test_assert_int(directory_user_set_password(dir, "nobody@demo.test", "x", &error), -1);
	test_assert(strstr(error, "not found") != NULL);
	test_assert_int(directory_user_set_password(dir, "alice@demo.test", "\xc3(", &error), -1);
	test_assert(strstr(error, "UTF-8") != NULL);
	/* a user without a password cannot log in */
	test_assert_int(directory_user_add(dir, tmp, "np@demo.test", "NP", NULL, NULL, &error), 0);
	test_assert_int(directory_verify_password(dir, "np@demo.test", "", &error), 0);
	test_assert_int(directory_get_nt_hash(dir, "np@demo.test", hash, &error), 0);
	test_assert_int(directory_password_stamp(dir, "np@demo.test", &stamp1, &error), 0);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static int collect(const struct dir_user *user, void *ctx)
{
	char **out = ctx;

	*out = talloc_asprintf_append(*out, "%s,", user->address);
	return strcmp(user->address, "stop@demo.test") == 0 ? 7 : 0;
}

static void test_foreach(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice;
	struct directory *dir = demo_dir(&alice, tmp);
	char *seen = talloc_strdup(tmp, "");
	const char *error;

	test_begin("foreach: address order, each user once, early stop");
	test_assert_int(directory_user_add(dir, tmp, "zed@demo.test", "Z", NULL, NULL, &error), 0);
	test_assert_int(directory_user_add(dir, tmp, "bob@demo.test", "B", NULL, NULL, &error), 0);
	test_assert_int(directory_user_add_alias(dir, "zed@demo.test", "aaa@demo.test", &error), 0);
	test_assert_int(directory_foreach_user(dir, collect, &seen, &error), 0);
	test_assert_str(seen, "alice@demo.test,bob@demo.test,zed@demo.test,");
	test_assert_int(directory_user_add(dir, tmp, "stop@demo.test", "S", NULL, NULL, &error), 0);
	seen = talloc_strdup(tmp, "");
	test_assert_int(directory_foreach_user(dir, collect, &seen, &error), 7);
	test_assert_str(seen, "alice@demo.test,bob@demo.test,stop@demo.test,");
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_other_process(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice, *u;
	struct directory *dir = demo_dir(&alice, tmp);
	const char *error;
	int status = -1;
	pid_t pid;

	test_begin("a write by another process is seen at once");
	test_assert_int(directory_user_by_address(dir, tmp, "dave@demo.test", &u, &error), 0);
	pid = fork();
	if (pid == 0) {
		struct directory *child = NULL;
		int ok = directory_open(NULL, data_dir, &child, &error) == 0 &&
		         directory_user_add(child, NULL, "dave@demo.test", "Dave", "d", NULL,
		                            &error) == 0;

		_exit(ok ? 0 : 1);
	}
	test_assert(pid > 0 && waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_assert_int(directory_user_by_address(dir, tmp, "dave@demo.test", &u, &error), 1);
	test_assert_int(directory_verify_password(dir, "dave@demo.test", "d", &error), 1);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

struct reader {
	struct directory *dir;
	int errors;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	const char *error;

	for (int i = 0; i < 300; i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct dir_user *u;

		if (directory_user_by_address(r->dir, tmp, "alice@demo.test", &u, &error) != 1 ||
		    strcmp(u->address, "alice@demo.test") != 0)
			r->errors++;
		if (directory_user_by_address(r->dir, tmp, "nobody@demo.test", &u, &error) != 0)
			r->errors++;
		talloc_free(tmp);
	}
	return NULL;
}

static void test_threads(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *alice;
	struct directory *dir = demo_dir(&alice, tmp);
	struct reader readers[4];
	pthread_t threads[4];
	const char *error;
	char address[32];
	int add_errors = 0;

	test_begin("threads read while another writes");
	for (int i = 0; i < 4; i++) {
		readers[i] = (struct reader){.dir = dir};
		test_assert(pthread_create(&threads[i], NULL, read_loop, &readers[i]) == 0);
	}
	for (int i = 0; i < 30; i++) {
		snprintf(address, sizeof(address), "u%d@demo.test", i);
		if (directory_user_add(dir, tmp, address, "U", NULL, NULL, &error) != 0)
			add_errors++;
	}
	for (int i = 0; i < 4; i++) {
		test_assert(pthread_join(threads[i], NULL) == 0);
		test_assert_int(readers[i].errors, 0);
	}
	test_assert_int(add_errors, 0);
	directory_close(&dir);
	talloc_free(tmp);
	test_end();
}

static void test_record_decode(void)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char address[] = "a@b.c", name[] = "A", alias[] = "x@b.c", hash[] = "$argon2id$x";
	struct dir_user user = {.address = address, .display_name = name, .id = 9};
	char *aliases[] = {alias, NULL};
	struct dir_record rec = {.user = &user, .secrets = {.pw_hash = hash}};
	struct dir_record *back;
	uint8_t *data;
	size_t len;

	test_begin("records: round trip, every truncation refused");
	user.aliases = aliases;
	user.alias_count = 1;
	test_assert_int(dir_record_encode(tmp, &rec, &data, &len), 0);
	test_assert_int(dir_record_decode(tmp, data, len, &back), 0);
	test_assert_str(back->user->address, "a@b.c");
	test_assert_str(back->user->domain, "b.c");
	test_assert_str(back->user->aliases[0], "x@b.c");
	test_assert_str(back->secrets.pw_hash, "$argon2id$x");
	test_assert_int(back->user->id, 9);
	for (size_t n = 0; n < len; n++)
		test_assert_int(dir_record_decode(tmp, data, n, &back), -1);
	data[0] = 2;
	test_assert_int(dir_record_decode(tmp, data, len, &back), -1);
	talloc_free(tmp);
	test_end();
}

int main(void)
{
	char cmd[128];

	log_set_level(LOG_LEVEL_WARN);
	test_open();
	test_domains();
	test_user_add();
	test_lookups();
	test_aliases();
	test_passwords();
	test_foreach();
	test_other_process();
	test_threads();
	test_record_decode();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		return 1;
	return test_exit();
}
