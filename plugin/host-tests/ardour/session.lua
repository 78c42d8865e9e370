-- Ringscope in Ardour, run by `ardour7-lua` (headless Ardour on its dummy backend) from the host
-- test tests/ardour.rs, once per mode, each in a fresh process:
--
--   ardour7-lua session.lua create <session dir> <name>
--     a new 48 kHz session with a stereo track "Scope" holding four seconds of a known signal
--     (white noise, different in each channel, rendered by Ardour's ACE Noise), Ringscope (VST3)
--     on the track, two of its parameters changed; rolls the transport for a few seconds, checks
--     the track's audio, saves.
--   ardour7-lua session.lua reopen <session dir> <name>
--     loads that session, finds Ringscope, rolls again and checks the track's audio.
--
-- Both print what they find as `RINGSCOPE <key> <value>` lines, which the Rust test checks;
-- `RINGSCOPE-ERROR <message>` marks a failure found here.

local mode, dir, name = arg[1], arg[2], arg[3]
local SECONDS = 4
local RATE = 48000

local function report(key, value) print(string.format("RINGSCOPE %s %s", key, tostring(value))) end
local function check(ok, message)
	if not ok then
		print("RINGSCOPE-ERROR " .. message)
		error(message)
	end
end

-- Ringscope's controllable input parameters: { n = control index for LuaAPI, label, value, desc }.
local function parameters(proc)
	local plugin = proc:to_insert():plugin(0)
	local list = {}
	local n = 0
	for j = 0, plugin:parameter_count() - 1 do
		if plugin:parameter_is_control(j) then
			if plugin:parameter_is_input(j) then
				local _, _, desc = ARDOUR.LuaAPI.plugin_automation(proc, n)
				list[#list + 1] = {
					n = n,
					label = plugin:parameter_label(j),
					value = ARDOUR.LuaAPI.get_processor_param(proc, n, true),
					desc = desc,
				}
			end
			n = n + 1
		end
	end
	return list
end

-- A value for `p` other than its current one, inside its range (a step for stepped ones).
local function another_value(p)
	local d = p.desc
	if d.toggled then
		return p.value > 0.5 and d.lower or d.upper
	end
	local wanted = d.lower + 0.25 * (d.upper - d.lower)
	if d.integer_step or d.enumeration then
		wanted = math.floor(wanted + 0.5)
		if wanted == p.value then wanted = wanted + 1 end
	end
	if math.abs(wanted - p.value) < 1e-6 * math.max(1, math.abs(d.upper - d.lower)) then
		wanted = d.lower + 0.75 * (d.upper - d.lower)
	end
	return wanted
end

-- Rolls the transport from the start for `seconds` in real time (the dummy backend's clock).
local function roll(seconds)
	Session:request_locate(0, false, ARDOUR.LocateTransportDisposition.MustStop, ARDOUR.TransportRequestSource.TRS_UI)
	sleep(0.3)
	Session:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
	sleep(seconds)
	local position = Session:transport_sample()
	Session:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
	sleep(0.3)
	report("rolled-samples", position)
end

-- Renders the track's audio through its processors up to and including Ringscope and compares it
-- with the region the track plays, sample for sample, bit for bit.
local function check_audio(track, proc)
	local playlist = track:playlist()
	local source = nil
	for region in playlist:region_list():iter() do
		check(source == nil, "more than one region on the track")
		source = region
	end
	check(source ~= nil, "no region on the track")
	local through = track:bounce_range(0, SECONDS * RATE, ARDOUR.InterThreadInfo(), proc, true, "through-ringscope", false)
	check(not through:isnil(), "bouncing the track failed")
	local a, b = source:to_audioregion():to_readable(), through:to_audioregion():to_readable()
	check(a:n_channels() == 2 and b:n_channels() == 2, "the regions are not stereo")
	local block = 8192
	local ma, mb = ARDOUR.DSP.DspShm(block), ARDOUR.DSP.DspShm(block)
	local compared, nonzero = 0, 0
	for c = 0, 1 do
		local pos = 0
		while pos < SECONDS * RATE do
			local count = math.min(block, SECONDS * RATE - pos)
			local na = a:read(ma:to_float(0), pos, count, c)
			local nb = b:read(mb:to_float(0), pos, count, c)
			check(na == count and nb == count, string.format("short read at %d: %d, %d", pos, na, nb))
			local da, db = ma:to_float(0):array(), mb:to_float(0):array()
			for i = 1, count do
				if da[i] ~= db[i] then
					check(false, string.format("channel %d sample %d: %.9g in, %.9g out", c, pos + i - 1, da[i], db[i]))
				end
				if da[i] ~= 0 then nonzero = nonzero + 1 end
			end
			compared = compared + count
			pos = pos + count
		end
	end
	report("bit-exact-samples", compared)
	report("nonzero-samples", nonzero)
	-- The rendered copy is no part of the session.
	playlist:remove_region(through)
end

local function ringscope_on(track)
	local proc = track:nth_plugin(0)
	check(not proc:isnil(), "no plugin on the track")
	report("plugin", proc:display_name())
	report("plugin-type", proc:to_insert():plugin(0):get_info().type == ARDOUR.PluginType.VST3 and "VST3" or "other")
	return proc
end

local function report_parameters(proc, chosen)
	for _, p in ipairs(parameters(proc)) do
		if chosen[p.n] then
			report("param", string.format("%d %s %.9g", p.n, p.label, p.value))
		end
	end
end

if mode == "create" then
	check(create_session(dir, name, RATE), "create_session failed")
	local track = Session:new_audio_track(2, 2, nil, 1, "Scope", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true):front()
	check(track and not track:isnil(), "no track")

	-- The known signal: four seconds of white noise at -6 dBFS, its own in each channel.
	local noise = ARDOUR.LuaAPI.new_luaproc(Session, "ACE Noise")
	check(not noise:isnil(), "ACE Noise is missing")
	track:add_processor_by_index(noise, 0, nil, true)
	ARDOUR.LuaAPI.set_processor_param(noise, 0, -6)
	local signal = track:bounce_range(0, SECONDS * RATE, ARDOUR.InterThreadInfo(), noise, true, "signal", false)
	check(not signal:isnil(), "rendering the signal failed")
	track:remove_processor(noise, nil, true)
	-- Played as it is: no fades (a region's default 64-sample fade-in and -out scale its ends).
	signal:to_audioregion():set_fade_in_active(false)
	signal:to_audioregion():set_fade_out_active(false)
	track:playlist():add_region(signal, Temporal.timepos_t(0), 1, false, 0, 0, false)

	-- Ringscope, from the scan cache ardour-vst3-scanner wrote.
	local ringscope = ARDOUR.LuaAPI.new_plugin(Session, "Ringscope", ARDOUR.PluginType.VST3, "")
	check(not ringscope:isnil(), "Ringscope (VST3) not found: was it scanned?")
	check(track:add_processor_by_index(ringscope, 0, nil, true) == 0, "adding Ringscope failed")
	local proc = ringscope_on(track)
	report("active", proc:active())

	-- Two parameters changed, as a user would.
	local chosen, changed = {}, 0
	for _, p in ipairs(parameters(proc)) do
		if changed < 2 and not p.label:lower():find("bypass") then
			local value = another_value(p)
			report("change", string.format("%d %s %.9g -> %.9g", p.n, p.label, p.value, value))
			check(ARDOUR.LuaAPI.set_processor_param(proc, p.n, value), "setting " .. p.label)
			chosen[p.n] = true
			changed = changed + 1
		end
	end
	check(changed == 2, "Ringscope has fewer than two parameters")
	roll(3)
	report_parameters(proc, chosen)
	check_audio(track, proc)
	check(Session:save_state("", false, false, false, false, false) == 0, "saving failed")
	report("saved", name)
elseif mode == "reopen" then
	check(load_session(dir, name), "load_session failed")
	local track = Session:route_by_name("Scope"):to_track()
	check(not track:isnil(), "no track Scope in the reopened session")
	local proc = ringscope_on(track)
	report("active", proc:active())
	local all = {}
	for _, p in ipairs(parameters(proc)) do all[p.n] = true end
	roll(2)
	report_parameters(proc, all)
	check_audio(track, proc)
else
	check(false, "usage: session.lua create|reopen <dir> <name>")
end
