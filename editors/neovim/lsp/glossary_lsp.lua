-- glossary-lsp for Neovim 0.11+: `vim.lsp.enable('glossary_lsp')` with this folder on
-- 'runtimepath' (nvim-lspconfig loads files of this shape from its own lsp/ folder too).
--
-- Neovim gives `.ipynb` files the filetype `json`; the server reads them as notebooks. So the
-- client attaches to `json` buffers only when their name ends in `.ipynb`, and the filetype is
-- left alone (JSON highlighting keeps working).

local root_markers = { 'glossary.yaml', '.git' }

---@param bufnr integer
---@return boolean
local function is_module_buffer(bufnr)
  local filetype = vim.bo[bufnr].filetype
  if filetype == 'json' then
    return vim.api.nvim_buf_get_name(bufnr):lower():match('%.ipynb$') ~= nil
  end
  return true
end

--- Neovim 0.11 inserts a plain completion item only up to the first space of its text edit
--- (`continuous batching` would go in as `continuous`); the item's whole text edit is the word.
---@param item lsp.CompletionItem
---@return table
local function complete_whole_term(item)
  local edit = item.textEdit
  return edit and edit.newText and { word = edit.newText } or {}
end

--- `:GlossaryCourse`: the course's modules in course order (as the server understood it) in the
--- quickfix list, each with the terms it introduces.
---@param client vim.lsp.Client
local function show_course(client)
  client:request('glossaryLsp/course', vim.empty_dict(), function(err, result)
    if err or type(result) ~= 'table' or type(result.modules) ~= 'table' then
      vim.notify('glossary-lsp: no course: ' .. (err and err.message or 'no answer'), vim.log.levels.WARN)
      return
    end
    local items = {}
    for _, module in ipairs(result.modules) do
      local introduces = module.introduces or {}
      local text = module.title
      if #introduces > 0 then
        text = ('%s — introduces %s'):format(module.title, table.concat(introduces, ', '))
      end
      table.insert(items, { filename = vim.uri_to_fname(module.uri), lnum = 1, col = 1, text = text })
    end
    local title = ('Course: %d modules from %s'):format(#items, result.order_source or '?')
    vim.fn.setqflist({}, ' ', { title = title, items = items })
    vim.cmd('botright copen')
  end)
end

local function create_commands()
  vim.api.nvim_create_user_command('GlossaryCourse', function()
    local client = vim.lsp.get_clients({ bufnr = 0, name = 'glossary_lsp' })[1]
      or vim.lsp.get_clients({ name = 'glossary_lsp' })[1]
    if not client then
      vim.notify('glossary-lsp is not running', vim.log.levels.WARN)
      return
    end
    show_course(client)
  end, { desc = "The course's modules in course order, in the quickfix list" })
end

---@type vim.lsp.Config
return {
  cmd = { 'glossary-lsp' },
  filetypes = { 'markdown', 'json' },
  root_markers = root_markers, -- documentation only: root_dir below decides
  ---@param bufnr integer
  ---@param on_dir fun(root_dir?: string)
  root_dir = function(bufnr, on_dir)
    if is_module_buffer(bufnr) then
      -- Without a marker the server runs for the single file (no course index).
      on_dir(vim.fs.root(bufnr, root_markers))
    end
  end,
  -- Answered to the server's `workspace/configuration` request for section `glossaryLsp`;
  -- see the README for every setting. Empty means the server's defaults.
  settings = { glossaryLsp = vim.empty_dict() },
  ---@param client vim.lsp.Client
  ---@param bufnr integer
  on_attach = function(client, bufnr)
    create_commands()
    if vim.lsp.completion and vim.lsp.completion.enable then
      -- Built-in completion (<C-x><C-o>, or vim.lsp.completion.get()) with whole terms.
      vim.lsp.completion.enable(true, client.id, bufnr, { convert = complete_whole_term })
    end
  end,
}
