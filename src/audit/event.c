/*
 * event.c - the closed vocabulary of audit events, modules, results and
 * authentication methods, with the labels of the console view.
 */
#include "audit/audit.h"

static const struct cu_audit_type_info types[CU_AUDIT_TYPE__COUNT] = {
	[CU_AUDIT_AUTH_LOGIN_SUCCESS] = { "auth.login.success", CU_AUDIT_MOD_AUTH, "登录成功", "login succeeded" },
	[CU_AUDIT_AUTH_LOGIN_FAILURE] = { "auth.login.failure", CU_AUDIT_MOD_AUTH, "登录失败", "login failed" },
	[CU_AUDIT_AUTH_LOGOUT] = { "auth.logout", CU_AUDIT_MOD_AUTH, "退出登录", "logout" },
	[CU_AUDIT_AUTH_TOTP_ENROL] = { "auth.totp.enrol", CU_AUDIT_MOD_AUTH, "绑定动态口令", "TOTP enrolment" },
	[CU_AUDIT_RECORD_CREATE] = { "record.create", CU_AUDIT_MOD_RECORDS, "新增记录", "create record" },
	[CU_AUDIT_RECORD_READ] = { "record.read", CU_AUDIT_MOD_RECORDS, "查看记录", "read record (masked)" },
	[CU_AUDIT_RECORD_REVEAL] = { "record.reveal", CU_AUDIT_MOD_RECORDS, "查看明文字段", "reveal unmasked fields" },
	[CU_AUDIT_RECORD_UPDATE] = { "record.update", CU_AUDIT_MOD_RECORDS, "修改记录", "update record" },
	[CU_AUDIT_RECORD_DELETE] = { "record.delete", CU_AUDIT_MOD_RECORDS, "删除记录", "delete record" },
	[CU_AUDIT_RECORD_LOOKUP] = { "record.lookup", CU_AUDIT_MOD_RECORDS, "精确查找记录", "exact-match lookup" },
	[CU_AUDIT_RECORD_EXPORT] = { "record.export", CU_AUDIT_MOD_RECORDS, "导出记录", "export records" },
	[CU_AUDIT_COLLECTION_CREATE] = { "collection.create", CU_AUDIT_MOD_COLLECTIONS, "新建数据集", "create collection" },
	[CU_AUDIT_COLLECTION_READ] = { "collection.read", CU_AUDIT_MOD_COLLECTIONS, "查看数据集", "read collection" },
	[CU_AUDIT_COLLECTION_DELETE] = { "collection.delete", CU_AUDIT_MOD_COLLECTIONS, "删除数据集", "delete collection" },
	[CU_AUDIT_USER_CREATE] = { "user.create", CU_AUDIT_MOD_USERS, "新建用户", "create user" },
	[CU_AUDIT_USER_DISABLE] = { "user.disable", CU_AUDIT_MOD_USERS, "停用用户", "disable user" },
	[CU_AUDIT_USER_ENABLE] = { "user.enable", CU_AUDIT_MOD_USERS, "启用用户", "enable user" },
	[CU_AUDIT_USER_DELETE] = { "user.delete", CU_AUDIT_MOD_USERS, "删除用户", "delete user" },
	[CU_AUDIT_USER_PASSWD] = { "user.passwd", CU_AUDIT_MOD_USERS, "修改密码", "change password" },
	[CU_AUDIT_USER_RESET_TOTP] = { "user.reset_totp", CU_AUDIT_MOD_USERS, "重置动态口令", "reset TOTP" },
	[CU_AUDIT_ROLE_CHANGE] = { "role.change", CU_AUDIT_MOD_ROLES, "变更角色", "change role" },
	[CU_AUDIT_TOKEN_CREATE] = { "token.create", CU_AUDIT_MOD_AUTH, "创建访问令牌", "create service token" },
	[CU_AUDIT_TOKEN_REVOKE] = { "token.revoke", CU_AUDIT_MOD_AUTH, "吊销访问令牌", "revoke service token" },
	[CU_AUDIT_SCAN_RUN] = { "scan.run", CU_AUDIT_MOD_DLP, "个人信息扫描", "personal-information scan" },
	[CU_AUDIT_AUDIT_READ] = { "audit.read", CU_AUDIT_MOD_AUDIT, "查看操作日志", "read the operation log" },
	[CU_AUDIT_AUDIT_PURGE] = { "audit.purge", CU_AUDIT_MOD_AUDIT, "清理过期日志", "purge expired log segments" },
	[CU_AUDIT_KEY_ROTATE] = { "key.rotate", CU_AUDIT_MOD_KEYS, "轮换密钥", "rotate keys" },
	[CU_AUDIT_BACKUP_CREATE] = { "backup.create", CU_AUDIT_MOD_BACKUP, "创建备份", "create backup" },
	[CU_AUDIT_APPROVAL_REQUEST] = { "approval.request", CU_AUDIT_MOD_RECORDS, "申请审批", "request approval" },
	[CU_AUDIT_APPROVAL_DECIDE] = { "approval.decide", CU_AUDIT_MOD_RECORDS, "审批决定", "decide approval" },
	[CU_AUDIT_SETTINGS_CHANGE] = { "settings.change", CU_AUDIT_MOD_USERS, "修改安全设置", "change security settings" },
	[CU_AUDIT_ROLE_READ] = { "role.read", CU_AUDIT_MOD_ROLES, "查看权限判定", "explain a policy decision" },
	[CU_AUDIT_CONSENT_CHANGE] = { "consent.change", CU_AUDIT_MOD_RECORDS, "记录个人同意", "record or withdraw consent" },
	[CU_AUDIT_CONSENT_READ] = { "consent.read", CU_AUDIT_MOD_RECORDS, "查看个人同意", "read consents" },
	[CU_AUDIT_SYSTEM_START] = { "system.start", CU_AUDIT_MOD_SYSTEM, "系统启动", "system start" },
	[CU_AUDIT_SYSTEM_STOP] = { "system.stop", CU_AUDIT_MOD_SYSTEM, "系统停止", "system stop" },
};

static const struct { const char *name, *zh; } modules[CU_AUDIT_MOD__COUNT] = {
	[CU_AUDIT_MOD_DEFAULT] = { NULL, NULL },
	[CU_AUDIT_MOD_USERS] = { "users", "用户管理" },
	[CU_AUDIT_MOD_ROLES] = { "roles", "角色权限" },
	[CU_AUDIT_MOD_COLLECTIONS] = { "collections", "数据集" },
	[CU_AUDIT_MOD_RECORDS] = { "records", "客户记录" },
	[CU_AUDIT_MOD_AUDIT] = { "audit", "操作日志" },
	[CU_AUDIT_MOD_DLP] = { "dlp", "防泄漏扫描" },
	[CU_AUDIT_MOD_MAIL] = { "mail", "邮件" },
	[CU_AUDIT_MOD_ALERTS] = { "alerts", "告警" },
	[CU_AUDIT_MOD_BACKUP] = { "backup", "备份" },
	[CU_AUDIT_MOD_KEYS] = { "keys", "密钥管理" },
	[CU_AUDIT_MOD_AUTH] = { "auth", "登录认证" },
	[CU_AUDIT_MOD_SYSTEM] = { "system", "系统" },
};

static const struct { const char *name, *zh; } results[CU_AUDIT_RESULT__COUNT] = {
	[CU_AUDIT_SUCCESS] = { "success", "操作成功" },
	[CU_AUDIT_FAILURE] = { "failure", "操作失败" },
	[CU_AUDIT_DENIED] = { "denied", "拒绝访问" },
	[CU_AUDIT_ERROR] = { "error", "系统错误" },
};

static const char *const auths[CU_AUDIT_AUTH__COUNT] = {
	[CU_AUDIT_AUTH_NONE] = "none",
	[CU_AUDIT_AUTH_PASSWORD] = "password",
	[CU_AUDIT_AUTH_TOTP] = "totp",
	[CU_AUDIT_AUTH_TOKEN] = "token",
	[CU_AUDIT_AUTH_CLI] = "cli",
};

const struct cu_audit_type_info *cu_audit_type_info(enum cu_audit_type t)
{
	if ((unsigned)t >= CU_AUDIT_TYPE__COUNT)
		return NULL;
	return &types[t];
}

int cu_audit_type_parse(const char *name, enum cu_audit_type *out)
{
	*out = CU_AUDIT_TYPE__COUNT;
	if (!name)
		return CU_ERR_INVALID;
	for (unsigned i = 0; i < CU_AUDIT_TYPE__COUNT; i++)
		if (strcmp(types[i].name, name) == 0) {
			*out = (enum cu_audit_type)i;
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

bool cu_audit_event_valid(const char *name)
{
	enum cu_audit_type t;
	return cu_audit_type_parse(name, &t) == CU_OK;
}

const char *cu_audit_module_name(enum cu_audit_module m)
{
	return (unsigned)m < CU_AUDIT_MOD__COUNT ? modules[m].name : NULL;
}

const char *cu_audit_module_zh(enum cu_audit_module m)
{
	return (unsigned)m < CU_AUDIT_MOD__COUNT ? modules[m].zh : NULL;
}

int cu_audit_module_parse(const char *name, enum cu_audit_module *out)
{
	*out = CU_AUDIT_MOD_DEFAULT;
	if (!name)
		return CU_ERR_INVALID;
	for (unsigned i = 1; i < CU_AUDIT_MOD__COUNT; i++)
		if (strcmp(modules[i].name, name) == 0) {
			*out = (enum cu_audit_module)i;
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

const char *cu_audit_result_name(enum cu_audit_result r)
{
	return (unsigned)r < CU_AUDIT_RESULT__COUNT ? results[r].name : NULL;
}

const char *cu_audit_result_zh(enum cu_audit_result r)
{
	return (unsigned)r < CU_AUDIT_RESULT__COUNT ? results[r].zh : NULL;
}

int cu_audit_result_parse(const char *name, enum cu_audit_result *out)
{
	*out = CU_AUDIT_SUCCESS;
	if (!name)
		return CU_ERR_INVALID;
	for (unsigned i = 0; i < CU_AUDIT_RESULT__COUNT; i++)
		if (strcmp(results[i].name, name) == 0) {
			*out = (enum cu_audit_result)i;
			return CU_OK;
		}
	return CU_ERR_INVALID;
}

const char *cu_audit_auth_name(enum cu_audit_auth a)
{
	return (unsigned)a < CU_AUDIT_AUTH__COUNT ? auths[a] : NULL;
}
