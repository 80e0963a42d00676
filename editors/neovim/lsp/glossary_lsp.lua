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
}
