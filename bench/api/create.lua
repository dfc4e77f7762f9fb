-- POST /v1/collections/customers/records with a unique, valid body per
-- request: a new data subject (new DEK wrapped under the KEK), four
-- sealed fields and six blind-index tokens, one SQLite transaction.
local common = require "common"

local id = 0
local n = 0

local surnames = { "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马" }
local given = { "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟" }
local districts = { "北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区" }
local W = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = "10X98765432"

-- GB 11643 check character, so the server's validation accepts it.
local function cn_id(base17)
	local s = 0
	for i = 1, 17 do
		s = s + (base17:byte(i) - 48) * W[i]
	end
	local k = s % 11 + 1
	return base17 .. CHECK:sub(k, k)
end

function setup(thread) common.setup(thread) end

function init(args)
	id = common.init(true)
	wrk.method = "POST"
	wrk.path = "/v1/collections/customers/records"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	n = n + 1
	-- 15 + thread digit + 8-digit counter: unique, never clashes with the
	-- preloaded 139xxxxxxxx numbers.
	local phone = string.format("15%d%08d", id % 10, n % 100000000)
	local base = string.format("110105%04d%02d%02d%03d", 1950 + n % 50, 1 + n % 12, 1 + n % 28, n % 1000)
	local body = string.format(
		'{"fields":{"name":"%s%s","phone":"%s","id_no":"%s","email":"bench%d.%d@example.com",' ..
		'"address":"%s建国路%d号"},"subject":"bench:%d:%d"}',
		surnames[1 + n % #surnames], given[math.random(#given)], phone, cn_id(base),
		id, n, districts[1 + n % #districts], 1 + n % 300, id, n)
	return wrk.format(nil, nil, nil, body)
end

function done(s, l, r) common.done(s, l, r) end
