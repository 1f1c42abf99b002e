"""Drawing: a scene's picture as plain data (`stage`), its look (`style`, `layout`,
`fonts`), the static picture (`picture`), each frame's moving marks (`frames`), the PNG
overview (`overview`) and the processes that draw (`pool`). Nothing here simulates."""
