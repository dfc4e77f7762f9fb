-- GET /v1/me with the Bearer token: authentication alone (a keyed hash of
-- the token and one database lookup), to separate it from the record work.
local common = require "common"

function setup(thread) common.setup(thread) end
function init(args) common.init(true) end
function done(s, l, r) common.done(s, l, r) end
