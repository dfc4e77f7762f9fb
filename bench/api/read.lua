-- GET /v1/collections/customers/records/{id} for a random preloaded id:
-- unwrap the subject's DEK, open four sealed fields, mask them (with a
-- purpose, so the sensitive fields are decrypted and masked, not withheld).
local common = require "common"

local ids

function setup(thread) common.setup(thread) end

function init(args)
	common.init(true)
	ids = common.data().ids
end

function request()
	return wrk.format("GET", "/v1/collections/customers/records/" .. ids[math.random(#ids)] ..
		"?purpose=customer_service")
end

function done(s, l, r) common.done(s, l, r) end
