-- Drives glossary_lsp in a real Neovim over the sample course and writes what it saw as JSON to
-- $GLOSSARY_NVIM_RESULTS; tests/test_neovim.py asserts on it. Every wait is bounded.
local course = vim.env.GLOSSARY_NVIM_COURSE
local results = { steps = {} }
local WAIT_MS = 20000

local function write_results()
  local file = assert(io.open(vim.env.GLOSSARY_NVIM_RESULTS, 'w'))
  results.messages = _G.glossary_test.messages
  file:write(vim.json.encode(results))
  file:close()
end

local function open(name)
  vim.cmd.edit(vim.fn.fnameescape(course .. '/' .. name))
  return vim.api.nvim_get_current_buf()
end

local function client_for(bufnr)
  local client
  vim.wait(WAIT_MS, function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = 'glossary_lsp' })[1]
    return client ~= nil and client.initialized
  end, 20)
  return client
end

local function request(client, method, params, bufnr)
  local response, err = client:request_sync(method, params, WAIT_MS, bufnr)
  if not response then
    error(('%s: %s'):format(method, tostring(err)))
  end
  if response.err then
    error(('%s: %s'):format(method, vim.inspect(response.err)))
  end
  return response.result
end

--- Puts the cursor on the `nth` match of `needle` (plain text) and returns the LSP position
--- parameters Neovim itself sends for K / gd at that spot.
local function at(bufnr, client, needle, nth, shift)
  nth = nth or 1
  local seen = 0
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local from = 1
    while true do
      local col = line:find(needle, from, true)
      if not col then
        break
      end
      seen = seen + 1
      if seen == nth then
        vim.api.nvim_win_set_cursor(0, { lnum, col - 1 + (shift or 0) })
        return vim.lsp.util.make_position_params(0, client.offset_encoding), line, col - 1
      end
      from = col + 1
    end
  end
  error(('%q not found'):format(needle))
end

local function hover_text(result)
  if type(result) ~= 'table' then
    return vim.NIL
  end
  local contents = result.contents
  return type(contents) == 'table' and (contents.value or vim.inspect(contents)) or tostring(contents)
end

local function location_of(result)
  if type(result) ~= 'table' then
    return vim.NIL
  end
  local first = vim.islist(result) and result[1] or result
  if not first then
    return vim.NIL
  end
  local uri = first.uri or first.targetUri
  local range = first.range or first.targetSelectionRange
  local path = vim.uri_to_fname(uri)
  local lines = vim.fn.readfile(path)
  return { uri = uri, path = path, line = range.start.line, character = range.start.character,
           text = lines[range.start.line + 1] }
end

local function labels(result)
  local items = type(result) == 'table' and (result.items or result) or {}
  local out = {}
  for _, item in ipairs(items) do
    table.insert(out, item.label)
  end
  return out
end

local function step(name, fn)
  local ok, value = pcall(fn)
  results.steps[name] = ok and value or { error = tostring(value) }
end

local function wait_for_index()
  return vim.wait(WAIT_MS, function() return _G.glossary_test.progress_ends > 0 end, 50)
end

local function append_line(bufnr, text)
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { text })
  local lnum = vim.api.nvim_buf_line_count(bufnr)
  return { textDocument = vim.lsp.util.make_text_document_params(bufnr),
           position = { line = lnum - 1, character = #text } }
end

local function run()
  -- A Markdown module.
  local overview = open('04-high-level-overview.md')
  local client = assert(client_for(overview), 'glossary_lsp did not attach to a Markdown buffer')
  results.offset_encoding = client.offset_encoding
  results.indexed = wait_for_index()

  step('markdown_hover', function()
    return hover_text(request(client, 'textDocument/hover', at(overview, client, 'prefill', 1, 1), overview))
  end)
  step('markdown_definition', function()
    return location_of(request(client, 'textDocument/definition', at(overview, client, 'prefill', 1, 1), overview))
  end)
  step('markdown_completion', function()
    local params = append_line(overview, 'Servers first run the pref')
    return labels(request(client, 'textDocument/completion', params, overview))
  end)

  step('course_quickfix', function()
    vim.cmd('GlossaryCourse')
    vim.wait(WAIT_MS, function() return vim.fn.getqflist({ title = 0 }).title ~= '' end, 50)
    local list = vim.fn.getqflist({ title = 0, items = 0 })
    local items = {}
    for _, item in ipairs(list.items) do
      table.insert(items, { file = vim.api.nvim_buf_get_name(item.bufnr), text = item.text })
    end
    vim.cmd('cclose')
    vim.cmd.buffer(overview)
    return { title = list.title, items = items }
  end)

  -- A term after an emoji: Neovim sends UTF-8 byte columns.
  local distributed = open('05-distributed-training.md')
  step('emoji_hover', function()
    local params, line, byte_col = at(distributed, client, '🖥️ FSDP shards', 1, #'🖥️ ' + 1)
    return {
      hover = hover_text(request(client, 'textDocument/hover', params, distributed)),
      character = params.position.character,
      utf8_column = byte_col + #'🖥️ ' + 1,
      utf16_column = vim.str_utfindex(line, 'utf-16', byte_col + #'🖥️ ' + 1),
    }
  end)
  step('emoji_definition', function()
    local params = at(distributed, client, '🖥️ FSDP shards', 1, #'🖥️ ' + 1)
    return location_of(request(client, 'textDocument/definition', params, distributed))
  end)

  -- The raw notebook (filetype json).
  local notebook = open('06-serving.ipynb')
  results.notebook_filetype = vim.bo[notebook].filetype
  results.notebook_attached = client_for(notebook) ~= nil
  step('notebook_hover', function()
    return hover_text(request(client, 'textDocument/hover', at(notebook, client, '**prefill**', 1, 3), notebook))
  end)
  step('notebook_definition', function()
    local params = at(notebook, client, 'continuous batching', 1, 1)
    return location_of(request(client, 'textDocument/definition', params, notebook))
  end)
  step('notebook_completion', function()
    local lines = vim.api.nvim_buf_get_lines(notebook, 0, -1, false)
    for lnum, line in ipairs(lines) do
      if line:find('"## Checklist\\n",', 1, true) then
        local typed = '    "We schedule with continuous bat'
        vim.api.nvim_buf_set_lines(notebook, lnum, lnum, false, { typed .. '\\n",' })
        local params = { textDocument = vim.lsp.util.make_text_document_params(notebook),
                          position = { line = lnum, character = #typed } }
        return labels(request(client, 'textDocument/completion', params, notebook))
      end
    end
    error('no Checklist cell line')
  end)

  -- Bad input: a huge Markdown file, a plain JSON file, a broken notebook.
  local started = vim.uv.hrtime()
  local huge = open('scratch/huge.md')
  results.huge_attached = client_for(huge) ~= nil
  step('huge_hover', function()
    return hover_text(request(client, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(huge) },
      position = { line = 10, character = 4 } }, huge))
  end)
  results.huge_seconds = (vim.uv.hrtime() - started) / 1e9
  local plain_json = open('scratch/package.json')
  vim.wait(500)
  results.plain_json_clients = #vim.lsp.get_clients({ bufnr = plain_json })
  local broken = open('scratch/broken.ipynb')
  results.broken_attached = client_for(broken) ~= nil
  step('broken_hover', function()
    return hover_text(request(client, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(broken) },
      position = { line = 0, character = 2 } }, broken))
  end)
  vim.wait(2000) -- let diagnostics for the bad files arrive, if any would
  results.huge_diagnostics = #vim.diagnostic.get(huge)
  results.broken_diagnostics = #vim.diagnostic.get(broken)
  results.plain_json_diagnostics = #vim.diagnostic.get(plain_json)

  -- Still healthy afterwards.
  local tokenization = open('01-tokenization.md')
  step('hover_after_bad_input', function()
    return hover_text(request(client, 'textDocument/hover', at(tokenization, client, '🔤 BPE hides', 1, #'🔤 ' + 1), tokenization))
  end)
  results.client_alive = not client:is_stopped()
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  results.error = err
end
write_results()
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop(true)
end
vim.cmd('qa!')
