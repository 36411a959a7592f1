SELECT 'multi'
  'line' -- comment
  'string'