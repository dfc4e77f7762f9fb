-- GET /healthz: the baseline.  No authentication, no storage, no crypto:
-- what one HTTP(S) request through the server costs by itself.
local common = require "common"

function setup(thread) common.setup(thread) end
function init(args) common.init(false) end
function done(s, l, r) common.done(s, l, r) end
