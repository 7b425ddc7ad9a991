-- langref: check docs/language.md against the Lua bindings.
--
-- Arguments: the reference (a Markdown file), then every C source of the
-- bindings (src/lua/*.c and *.h, wherever the bindings live).  From the
-- sources it collects
--   * methods: the entries of every luaL_Reg table, each given to a class
--     by the metatable it is installed in (lsys_class(L, MT, table, ...),
--     or luaL_setfuncs after luaL_newmetatable(L, MT)), or to `dmasim`
--     (luaL_newlib, and C functions set as fields of the module);
--   * constructor fields: each known-field list passed to lf_known(), named
--     by the `what` string of that call ("system:cpu{}"), resolved through
--     a local variable or, for a helper, through the literals its callers
--     pass;
--   * handle fields: the names a class's __index function answers.
-- From the reference it collects every `class:method(` or `class:method{`
-- and `dmasim.name`, every `class.field`, and for each section whose
-- heading names a constructor (`system:cpu{}`) the fields of its table
-- rows (| `field` | ...).  Each side must cover the other.
local doc_path = ...
local sources = { select(2, ...) }

local function slurp(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("a")
	f:close()
	return s
end

local problems = {}
local function problem(fmt, ...)
	problems[#problems + 1] = string.format(fmt, ...)
end

local function set_add(t, k, where)
	if not t[k] then t[k] = where end
end

local function sorted_keys(t)
	local k = {}
	for name in pairs(t) do k[#k + 1] = name end
	table.sort(k)
	return k
end

-- Remove comments; keep string literals (they hold what we read).
local function strip_comments(s)
	s = s:gsub("/%*.-%*/", function(c) return (c:gsub("[^\n]", " ")) end)
	return s
end

local files = {}
for _, path in ipairs(sources) do
	files[#files + 1] = { path = path, text = strip_comments(slurp(path)) }
end

-- ---- metatable macros: #define X_MT "dmasim.x" ----
local mt_class = {}
for _, f in ipairs(files) do
	for macro, cls in f.text:gmatch('#define%s+([%w_]+)%s+"dmasim%.([%w_]+)"') do
		mt_class[macro] = cls
	end
end
local function class_of_mt(expr)
	expr = expr:gsub("^%s+", ""):gsub("%s+$", "")
	local lit = expr:match('^"dmasim%.([%w_]+)"$')
	if lit then return lit end
	return mt_class[expr]
end

-- ---- luaL_Reg tables and where they are installed ----
local tables = {}	-- { name, path, entries }
for _, f in ipairs(files) do
	for name, body in f.text:gmatch("luaL_Reg%s+([%w_]+)%s*%[%s*%]%s*=%s*(%b{})") do
		local entries = {}
		for m in body:gmatch('{%s*"([%w_]+)"%s*,') do
			entries[#entries + 1] = m
		end
		tables[#tables + 1] = { name = name, path = f.path,
					entries = entries }
	end
end

-- Where a table is installed: in its own file first (names such as
-- `methods` recur), else in any file (an extern table).
local class_local, class_global = {}, {}
local function install(path, tab, mt)
	local cls = class_of_mt(mt)
	if not cls then return end
	class_local[path .. ":" .. tab] = cls
	class_global[tab] = class_global[tab] or cls
end
for _, f in ipairs(files) do
	local t = f.text
	for mt, tab in t:gmatch("lsys_class%(%s*L%s*,%s*([^,]+),%s*([%w_]+)") do
		install(f.path, tab, mt)
	end
	for tab in t:gmatch("luaL_newlib%(%s*L%s*,%s*([%w_]+)%s*%)") do
		install(f.path, tab, '"dmasim.dmasim"')
	end
	-- luaL_setfuncs(L, tab, 0) installs into the metatable made last.
	local pos = 1
	while true do
		local s, e, tab = t:find("luaL_setfuncs%(%s*L%s*,%s*([%w_]+)", pos)
		if not s then break end
		local mt
		for m in t:sub(1, s):gmatch("luaL_newmetatable%(%s*L%s*,%s*([^%)]+)%)") do
			mt = m
		end
		if mt then install(f.path, tab, mt) end
		pos = e + 1
	end
end

local methods = {}	-- "class:name" -> where
for _, tab in ipairs(tables) do
	if #tab.entries > 0 then
		local cls = class_local[tab.path .. ":" .. tab.name] or
			    class_global[tab.name]
		if not cls then
			problem("%s: cannot tell which class the luaL_Reg table '%s' "
				.. "belongs to (no lsys_class, luaL_setfuncs after "
				.. "luaL_newmetatable, or luaL_newlib uses it)",
				tab.path, tab.name)
		else
			for _, m in ipairs(tab.entries) do
				local sep = cls == "dmasim" and "." or ":"
				set_add(methods, cls .. sep .. m, tab.path)
			end
		end
	end
end
-- C functions and values set as fields of the dmasim module.
for _, f in ipairs(files) do
	for fld in f.text:gmatch('lua_pushcfunction%(%s*L%s*,%s*[%w_]+%s*%)%s*;%s*'
			.. 'lua_setfield%(%s*L%s*,%s*%-2%s*,%s*"([%w_]+)"%s*%)') do
		if fld:sub(1, 2) ~= "__" then
			set_add(methods, "dmasim." .. fld, f.path)
		end
	end
end

-- ---- functions: name, parameters, body ----
local function functions(text)
	local out = {}
	for head, body in text:gmatch("\n([%a_][^\n;{}]-%b())%s*\n(%b{})") do
		local name = head:match("([%w_]+)%s*%b()%s*$")
		if name then
			out[#out + 1] = { name = name, head = head, body = body }
		end
	end
	return out
end

local all_funcs = {}
for _, f in ipairs(files) do
	for _, fn in ipairs(functions(f.text)) do
		fn.path = f.path
		all_funcs[#all_funcs + 1] = fn
	end
end

local function string_list(body)
	local l = {}
	for s in body:gmatch('"([^"]*)"') do l[#l + 1] = s end
	return l
end

-- ---- constructor fields: lf_known(L, idx, WHAT, LIST) ----
local ctor = {}		-- what -> { field = where }
local function ctor_add(what, list, where)
	ctor[what] = ctor[what] or {}
	for _, fld in ipairs(list) do set_add(ctor[what], fld, where) end
end

for _, fn in ipairs(all_funcs) do
	local arrays = {}
	for name, body in fn.body:gmatch("char%s*%*%s*const%s+([%w_]+)%s*%[%s*%]%s*=%s*(%b{})") do
		arrays[name] = string_list(body)
	end
	for args in fn.body:gmatch("lf_known(%b())") do
		local a = {}
		for part in args:sub(2, -2):gmatch("[^,]+") do a[#a + 1] = part end
		local what_expr = (a[3] or ""):gsub("^%s+", ""):gsub("%s+$", "")
		local list_expr = table.concat(a, ",", 4)
		local list
		for id in list_expr:gmatch("[%a_][%w_]*") do
			if arrays[id] then list = arrays[id] break end
		end
		local whats = {}
		local lit = what_expr:match('^"(.*)"$')
		if lit then
			whats[1] = lit
		elseif what_expr:match("^[%a_][%w_]*$") then
			local v = fn.body:match("char%s*%*%s*" .. what_expr .. '%s*=%s*"([^"]*)"')
			if v then
				whats[1] = v
			else	-- a parameter: the literals callers pass
				for _, g in ipairs(all_funcs) do
					for call in g.body:gmatch(fn.name .. "(%b())") do
						for s in call:gmatch('"([^"]*{})"') do
							whats[#whats + 1] = s
						end
						-- or a variable of the caller's that holds one
						for id in call:gmatch("[%a_][%w_]*") do
							local s = g.body:match("char%s*%*%s*" .. id
								.. '%s*=%s*"([^"]*{})"')
							if s then whats[#whats + 1] = s end
						end
					end
				end
			end
		end
		if not list or #whats == 0 then
			problem("%s: %s(): cannot read the lf_known%s call "
				.. "(its field list or what it names)", fn.path,
				fn.name, args)
		else
			for _, w in ipairs(whats) do ctor_add(w, list, fn.path) end
		end
	end
end

-- ---- handle fields: the names an __index function answers ----
local index_class = {}
for _, f in ipairs(files) do
	for mt, idx in f.text:gmatch("lsys_class%(%s*L%s*,%s*([^,]+),%s*[%w_]+%s*,%s*([%w_]+)") do
		index_class[idx] = class_of_mt(mt)
	end
	local t = f.text
	local pos = 1
	while true do
		local s, e, idx = t:find('lua_pushcfunction%(%s*L%s*,%s*([%w_]+)%s*%)%s*;%s*'
			.. 'lua_setfield%(%s*L%s*,%s*%-2%s*,%s*"__index"', pos)
		if not s then break end
		local mt
		for m in t:sub(1, s):gmatch("luaL_newmetatable%(%s*L%s*,%s*([^%)]+)%)") do
			mt = m
		end
		if mt then index_class[idx] = class_of_mt(mt) end
		pos = e + 1
	end
end
-- Macros of field entries (PORT_FIELDS): their names.
local field_macros = {}
for _, f in ipairs(files) do
	for name, body in f.text:gmatch("#define%s+([%w_]+)%b()([^\n]*\\?\n?[^\n]*\\?\n?[^\n]*)") do
		local l = {}
		for fld in body:gmatch('{%s*"([%w_]+)"%s*,') do l[#l + 1] = fld end
		if #l > 0 then field_macros[name] = l end
	end
end

local hfields = {}	-- "class.field" -> where
for _, fn in ipairs(all_funcs) do
	local cls = index_class[fn.name]
	if cls then
		for fld in fn.body:gmatch('{%s*"([%w_]+)"%s*,') do
			set_add(hfields, cls .. "." .. fld, fn.path)
		end
		for fld in fn.body:gmatch('strcmp%(%s*k%s*,%s*"([%w_]+)"%s*%)') do
			set_add(hfields, cls .. "." .. fld, fn.path)
		end
		for macro, list in pairs(field_macros) do
			if fn.body:find(macro .. "%(") then
				for _, fld in ipairs(list) do
					set_add(hfields, cls .. "." .. fld, fn.path)
				end
			end
		end
	end
end

-- ---- the reference ----
local doc = slurp(doc_path)
local classes = { dmasim = true }
for _, c in pairs(mt_class) do classes[c] = true end
for k in pairs(methods) do classes[k:match("^([%w_]+)")] = true end

local doc_methods, doc_fields = {}, {}
for span in doc:gmatch("`([^`\n]+)`") do
	for cls, sep, name, open in span:gmatch("([%a_][%w_]*)([:.])([%a_][%w_]*)([%({]?)") do
		if classes[cls] then
			if sep == ":" or (cls == "dmasim" and open ~= "") then
				set_add(doc_methods, cls .. sep .. name, span)
			elseif sep == "." then
				set_add(doc_fields, cls .. "." .. name, span)
			end
		end
	end
end

-- Sections: a heading naming a constructor `what{}` owns the field rows
-- below it, up to the next heading.
local doc_ctor = {}
local current
for line in (doc .. "\n"):gmatch("([^\n]*)\n") do
	if line:match("^#+%s") then
		current = line:match("`([^`]-{})`")
		if current then
			if doc_ctor[current] then
				problem("%s: two sections for %s", doc_path, current)
			end
			doc_ctor[current] = {}
		end
	elseif current then
		local fld = line:match("^|%s*`([%a_][%w_]*)`%s*|")
		if fld then doc_ctor[current][fld] = true end
	end
end

-- ---- compare ----
for _, k in ipairs(sorted_keys(methods)) do
	if not doc_methods[k] and not doc_fields[k] then
		problem("%s binds %s%s: no entry in %s", methods[k], k,
			k:find(":") and "()" or "", doc_path)
	end
end
for _, k in ipairs(sorted_keys(doc_methods)) do
	if not methods[k] then
		problem("%s documents `%s`: no such binding", doc_path,
			doc_methods[k])
	end
end
for _, k in ipairs(sorted_keys(hfields)) do
	if not doc_fields[k] then
		problem("%s: field %s: no entry in %s", hfields[k], k, doc_path)
	end
end
for _, k in ipairs(sorted_keys(doc_fields)) do
	local cls = k:match("^([%w_]+)")
	if cls ~= "dmasim" and not hfields[k] then
		problem("%s documents `%s`: no such field", doc_path,
			doc_fields[k])
	end
end
for _, what in ipairs(sorted_keys(ctor)) do
	local d = doc_ctor[what]
	if not d then
		problem("%s: constructor %s: no section in %s (a heading "
			.. "naming `%s`)", next(ctor[what]) and ctor[what][next(ctor[what])],
			what, doc_path, what)
	else
		for _, fld in ipairs(sorted_keys(ctor[what])) do
			if not d[fld] then
				problem("%s: %s field '%s': no row in its section of %s",
					ctor[what][fld], what, fld, doc_path)
			end
		end
		for _, fld in ipairs(sorted_keys(d)) do
			if not ctor[what][fld] then
				problem("%s: %s documents field '%s': the binding "
					.. "does not accept it", doc_path, what, fld)
			end
		end
	end
end
for _, what in ipairs(sorted_keys(doc_ctor)) do
	if not ctor[what] then
		problem("%s: a section for %s: no such constructor (no "
			.. "lf_known call names it)", doc_path, what)
	end
end

local n = 0
for _ in pairs(methods) do n = n + 1 end
for _, p in ipairs(problems) do io.stderr:write(p, "\n") end
if #problems == 0 then
	local nf, nc = 0, 0
	for _ in pairs(hfields) do nf = nf + 1 end
	for _ in pairs(ctor) do nc = nc + 1 end
	print(string.format("%s: %d methods, %d constructors, %d handle "
		.. "fields, all documented", doc_path, n, nc, nf))
end
return #problems == 0 and n > 0
