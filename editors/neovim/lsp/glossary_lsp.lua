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
    if vim.lsp.completion and vim.lsp.completion.enable then
      -- Built-in completion (<C-x><C-o>, or vim.lsp.completion.get()) with whole terms.
      vim.lsp.completion.enable(true, client.id, bufnr, { convert = complete_whole_term })
    end
  end,
}
