-- Headless Neovim for tests/test_neovim.py: editors/neovim on 'runtimepath', glossary_lsp enabled
-- with the test's Python, and every message, diagnostic and progress end recorded.
local env = vim.env
vim.opt.runtimepath:prepend(env.GLOSSARY_NVIM_EDITOR_DIR)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype plugin on')

_G.glossary_test = { messages = {}, progress_ends = 0 }

local function record(kind)
  return function(_, params)
    table.insert(_G.glossary_test.messages, { kind = kind, type = params.type, message = params.message })
  end
end
vim.lsp.handlers['window/showMessage'] = record('showMessage')
vim.lsp.handlers['window/logMessage'] = record('logMessage')

vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(event)
    local value = event.data and event.data.params and event.data.params.value
    if type(value) == 'table' and value.kind == 'end' then
      _G.glossary_test.progress_ends = _G.glossary_test.progress_ends + 1
    end
  end,
})

vim.lsp.config('glossary_lsp', { cmd = { env.GLOSSARY_NVIM_PYTHON, '-m', 'glossary_lsp' } })
vim.lsp.enable('glossary_lsp')
