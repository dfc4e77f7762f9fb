-- GET /v1/collections/customers/records?phone=... for a random preloaded
-- phone number: blind-index the query, find the one match, read and mask it.
local common = require "common"

local phones

function setup(thread) common.setup(thread) end

function init(args)
	common.init(true)
	phones = common.data().phones
end

function request()
	return wrk.format("GET", "/v1/collections/customers/records?purpose=customer_service&phone=" ..
		phones[math.random(#phones)])
end

function done(s, l, r) common.done(s, l, r) end
